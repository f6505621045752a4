import Foundation
import Synchronization

/// Lines from a file descriptor (a terminal, a pipe), read with `poll` and `read`: a signal
/// that interrupts the wait (EINTR, common with child processes around) is retried, and a
/// `stop()` from another thread ends a wait within 200 ms — a plain `readLine` or
/// `FileHandle.readData` would hold the thread until the next line, or crash on EINTR.
/// Blocking: call it from a thread of its own (`BlockingWorker`), one caller at a time.
public final class LineReader: @unchecked Sendable {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var ended = false
    private let stopped = Mutex(false)

    public init(descriptor: Int32 = STDIN_FILENO) { self.descriptor = descriptor }

    /// Makes a waiting `nextLine` return nil within 200 ms.
    public func stop() { stopped.withLock { $0 = true } }

    /// The next line without its newline; nil at the end of input or once stopped.
    public func nextLine() -> String? {
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
