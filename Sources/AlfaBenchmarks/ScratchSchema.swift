import AlfaApp
import AlfaStore
import Foundation

/// A throwaway schema of the benchmark database, migrated, handed to `body` as a pool and
/// dropped afterwards, also when `body` fails.
enum ScratchSchema {
    static func withPool<T: Sendable>(_ databaseURL: String, migrations: [Migration], prefix: String, poolSize: Int = 2,
                                      _ body: (PostgresPool) async throws -> T) async throws -> T {
        let schema = "\(prefix)_\(getpid())"
        let admin = PostgresPool(configuration: .init(url: databaseURL, size: 1))
        @Sendable func drop(_ connection: PostgresConnection) throws { try connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        try await admin.withConnection { try drop($0); try $0.execute("CREATE SCHEMA \(schema)") }
        let pool = PostgresPool(configuration: .init(url: PostgresURL.withSearchPath(databaseURL, schema: schema), size: poolSize))
        let result: Result<T, any Error>
        do {
            try await pool.withConnection { try Migrator(migrations: migrations).apply(on: $0) }
            result = .success(try await body(pool))
        } catch {
            result = .failure(error)
        }
        await pool.close()
        try? await admin.withConnection { try drop($0) }
        await admin.close()
        return try result.get()
    }
}
