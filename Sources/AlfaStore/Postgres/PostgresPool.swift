import AlfaCore
import AlfaSystem
import Foundation
import Synchronization

/// A fixed set of connections, each on a thread of its own. A task borrows one with
/// `withConnection`; its blocking libpq calls run on that connection's thread.
/// A connection that broke is replaced on its next use, with backoff while the server
/// is away, so after a restart the first statement fails with `.connectionLost` and the
/// next one succeeds.
public final class PostgresPool: Sendable {
    public struct Configuration: Sendable {
        public var url: String
        public var size: Int
        public var connectTimeoutSeconds: Int
        /// How long a borrower waits for the server to come back before `.connectionFailed`.
        public var reconnectWindowSeconds: Double

        public init(url: String, size: Int = 4, connectTimeoutSeconds: Int = 10, reconnectWindowSeconds: Double = 30) {
            self.url = url
            self.size = max(1, size)
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.reconnectWindowSeconds = reconnectWindowSeconds
        }
    }

    private struct State {
        var free: [Int]
        var waiters: [CheckedContinuation<Int?, Never>] = []
        var closed = false
    }

    private let configuration: Configuration
    private let slots: [PoolSlot]
    private let state: Mutex<State>
    /// Connections opened, the first ones included: more than `size` means reconnects.
    private let connects = Atomic<Int>(0)

    /// For `/metrics`: connections lent out now, and connections opened since the start.
    public var statistics: (size: Int, inUse: Int, connects: Int) {
        let free = state.withLock { $0.free.count }
        return (slots.count, slots.count - free, connects.load(ordering: .relaxed))
    }

    public init(configuration: Configuration) {
        self.configuration = configuration
        slots = (0..<configuration.size).map { PoolSlot(worker: BlockingWorker(name: "alfa-db-\($0)")) }
        state = Mutex(State(free: Array(0..<configuration.size)))
    }

    /// Runs `body` with a live connection on that connection's own thread.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        guard let index = await acquire() else {
            throw PostgresError(kind: .poolClosed, message: "the database pool is closed")
        }
        defer { release(index) }
        let slot = slots[index]
        let configuration = self.configuration
        return try await slot.worker.run {
            let connection = try slot.connection(configuration) { self.connects.add(1, ordering: .relaxed) }
            do {
                return try body(connection)
            } catch {
                if !connection.isConnected { slot.drop() }
                throw error
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection.
    @discardableResult
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { connection in try connection.transaction(body) }
    }

    /// Closes every connection and ends the threads; waiting and later borrowers get `.poolClosed`.
    public func close() async {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: nil) }
        for slot in slots {
            _ = try? await slot.worker.run { slot.drop() }
            slot.worker.shutdown()
        }
    }

    private func acquire() async -> Int? {
        await withCheckedContinuation { continuation in
            let ready: Int?? = state.withLock { state in
                if state.closed { return .some(nil) }
                if let index = state.free.popLast() { return .some(index) }
                state.waiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int?, Never>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.free.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}

/// One pool slot: a thread and the connection only that thread touches.
private final class PoolSlot: @unchecked Sendable {
    let worker: BlockingWorker
    private var current: PostgresConnection?

    init(worker: BlockingWorker) { self.worker = worker }

    func connection(_ configuration: PostgresPool.Configuration, opened: () -> Void) throws(PostgresError) -> PostgresConnection {
        if let current, current.isConnected { return current }
        drop()
        let deadline = Date().addingTimeInterval(configuration.reconnectWindowSeconds)
        var delay = 0.05
        while true {
            do {
                let fresh = try PostgresConnection.connect(url: configuration.url,
                                                           connectTimeoutSeconds: configuration.connectTimeoutSeconds)
                current = fresh
                opened()
                return fresh
            } catch {
                guard Date().addingTimeInterval(delay) < deadline else { throw error }
                Thread.sleep(forTimeInterval: delay * Double.random(in: 0.8...1.2))
                delay = min(delay * 2, 2)
            }
        }
    }

    func drop() {
        current?.close()
        current = nil
    }
}
