import AlfaCore
import AlfaStore
import AlfaSystem

/// One database connection on a thread of its own, outside the pool: LISTEN and session
/// advisory locks belong to a connection and must outlive any checkout. Reconnects lazily
/// after a failure (a lost connection also loses its locks, which the caller must expect).
final class DedicatedConnection: @unchecked Sendable {
    private let worker: BlockingWorker
    private let url: String
    private let setup: @Sendable (PostgresConnection) throws -> Void
    private let connectTimeoutSeconds: Int
    // Touched only on the worker's thread.
    private var connection: PostgresConnection?

    init(url: String, name: String, connectTimeoutSeconds: Int = 5, setup: @escaping @Sendable (PostgresConnection) throws -> Void = { _ in }) {
        self.url = url
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.worker = BlockingWorker(name: name)
        self.setup = setup
    }

    /// Runs `body` on the connection; a failed connection is dropped so the next call reconnects.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await worker.run { [self] in
            if connection == nil || connection?.isConnected == false {
                let fresh = try PostgresConnection.connect(url: url, connectTimeoutSeconds: connectTimeoutSeconds)
                try setup(fresh)
                connection = fresh
            }
            do {
                return try body(connection!)
            } catch {
                if connection?.isConnected == false { connection = nil }
                throw error
            }
        }
    }

    /// Whether the connection (and so its session locks) is still alive.
    func isAlive() async -> Bool {
        (try? await worker.run { [self] in connection?.isConnected ?? false }) ?? false
    }

    func close() async {
        _ = try? await worker.run { [self] in
            connection?.close()
            connection = nil
        }
        worker.shutdown()
    }
}
