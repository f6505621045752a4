import Foundation

/// A thread of its own that runs blocking C calls (libpq, libcurl) one at a time,
/// so they never stall Swift's cooperative pool (two threads on a two-core machine).
public final class BlockingWorker: Sendable {
    private let queue: JobQueue

    /// `name` shows in debuggers and `top -H`; Linux keeps at most 15 bytes of it.
    public init(name: String) {
        let name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let queue = JobQueue()
        self.queue = queue
        // Named from inside once start() has returned: on Linux, naming a Thread before or
        // right at its start can be lost.
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            started.wait()
            Thread.current.name = name
            queue.drain()
        }
        thread.start()
        started.signal()
    }

    deinit { queue.close() }

    /// Runs `body` on the worker's thread and returns its result to the awaiting task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = queue.enqueue {
                continuation.resume(with: Result { try body() })
            }
            if !accepted { continuation.resume(throwing: BlockingWorkerStopped()) }
        }
    }

    /// Queues `body` on the worker's thread without waiting for it (jobs run in order).
    public func submit(_ body: @escaping @Sendable () -> Void) {
        _ = queue.enqueue(body)
    }

    /// Runs one blocking job (a start-up file read) on a thread made for it.
    public static func once<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let worker = BlockingWorker(name: name)
        defer { worker.shutdown() }
        return try await worker.run(body)
    }

    /// The calling thread's name as the system knows it (what debuggers and `top -H` show).
    public static var currentThreadName: String {
        Thread.current.name ?? ""
    }

    /// Lets queued jobs finish, then ends the thread; later `run` calls throw.
    public func shutdown() { queue.close() }
}

/// Thrown by `BlockingWorker.run` after `shutdown()`.
public struct BlockingWorkerStopped: Error, CustomStringConvertible {
    public var description: String { "the worker thread has been shut down" }
}

private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var closed = false

    func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func drain() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty && closed {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}
