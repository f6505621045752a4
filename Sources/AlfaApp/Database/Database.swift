import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaSystem

/// The service's database: a pool built from the settings, and the migrations that go with it.
public struct Database: Sendable {
    public let pool: PostgresPool
    public let migrator: Migrator

    /// Fails with a one-line reason when DATABASE_URL is unset or MIGRATIONS_DIR is unreadable.
    /// `reconnectWindowSeconds` is how long a query waits for an unreachable server.
    public init(_ settings: Settings.Database, reconnectWindowSeconds: Double = 30) async throws {
        guard let url = settings.url else {
            throw ConfigurationLoader.Failure(
                description: "DATABASE_URL is not set: give a postgres:// URL, or use commands/run, which starts a local cluster")
        }
        pool = PostgresPool(configuration: .init(url: url.value, size: settings.poolSize,
                                                 reconnectWindowSeconds: reconnectWindowSeconds))
        if let directory = settings.migrationsDirectory {
            // A file read blocks: not on the cooperative pool.
            migrator = Migrator(migrations: try await BlockingWorker.once("alfa-migrations") { try Migration.load(from: directory) })
        } else {
            migrator = Migrator(migrations: Migration.embedded)
        }
    }

    public func migrate() async throws -> [Migration] {
        let migrator = self.migrator
        return try await pool.withConnection { connection in try migrator.apply(on: connection) }
    }

    public func migrationStatus() async throws -> [Migrator.Status] {
        let migrator = self.migrator
        return try await pool.withConnection { connection in try migrator.status(on: connection) }
    }

    /// Fails with what to do when a migration has not been applied yet.
    public func requireCurrentMigrations() async throws {
        let pending = try await migrationStatus().filter { $0.state == .pending }
        guard pending.isEmpty else {
            throw ConfigurationLoader.Failure(
                description: "\(pending.count) migration(s) pending: run alfa migrate (commands/run does it for you)")
        }
    }

    /// The server's version string, as a liveness probe.
    public func serverVersion() async throws -> String {
        try await pool.withConnection { connection in
            try connection.query("SHOW server_version")[0].decode(0, as: String.self)
        }
    }

    public func close() async { await pool.close() }
}
