import AlfaCore
import AlfaStore

/// Reads of the copy account for the CLI.
public enum CopyQueries {
    public static func orders(since time: Int64?, pool: PostgresPool) async throws -> [CopyOrder] {
        try await pool.withConnection { try CopyOrderRepository().all(since: time, on: $0) }
    }
}
