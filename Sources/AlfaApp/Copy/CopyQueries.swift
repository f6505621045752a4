import AlfaCore
import AlfaStore

/// Reads of the copy account for the CLI.
public enum CopyQueries {
    /// Orders created in [since, until).
    public static func orders(since: Int64?, until: Int64?, pool: PostgresPool) async throws -> [CopyOrder] {
        try await pool.withConnection { try CopyOrderRepository().all(since: since, until: until, on: $0) }
    }
}
