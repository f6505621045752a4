import AlfaCore
import AlfaSystem
import Foundation

/// Lines for the terminal, written in order on a thread of their own: a write to a slow
/// terminal or a full pipe must not hold one of the cooperative pool's two threads.
public final class ConsoleOutput: Sendable {
    private let worker = BlockingWorker(name: "alfa-stdout")

    public init() {}

    public func write(_ line: String) {
        worker.submit { try? FileHandle.standardOutput.write(contentsOf: Data((line + "\n").utf8)) }
    }

    /// Returns once every line written so far is out.
    public func flush() async {
        _ = try? await worker.run {}
    }
}
