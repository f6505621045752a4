import Foundation
import Synchronization

/// Lines typed on a terminal (or piped in), read with `poll` so that a shutdown is noticed
/// while nobody types: a plain `readLine` would hold its thread until the next Enter.
/// Used from one blocking thread at a time.
final class ConsoleInput: @unchecked Sendable {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var ended = false
    private let stopped = Mutex(false)

    init(descriptor: Int32 = STDIN_FILENO) { self.descriptor = descriptor }

    /// Makes a waiting `nextLine` return nil within 200 ms.
    func stop() { stopped.withLock { $0 = true } }

    /// The next line without its newline; nil at the end of input or once stopped.
    func nextLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            if ended {
                defer { pending = [] }
                return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
            }
            if stopped.withLock({ $0 }) { return nil }
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&request, 1, 200) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4_096)
            let count = read(descriptor, &chunk, chunk.count)
            if count > 0 { pending += chunk[..<count] } else if count == 0 || errno != EINTR { ended = true }
        }
    }
}
