import AlfaCore
import AlfaStore

/// The indexer's state as `/status` and `alfa check` show it; nil when it never ran here.
public enum IndexerStatus {
    public static func read(_ pool: PostgresPool) async throws -> StatusReport.Indexer? {
        try await pool.withConnection { connection in
            let repository = IndexerRepository()
            guard let checkpoint = try repository.checkpoint(on: connection) else { return nil }
            let rawLogs = try repository.rawLogSummary(on: connection)
            func count(_ reason: String) -> Int64 { rawLogs.filter { $0.reason == reason }.map(\.count).reduce(0, +) }
            return StatusReport.Indexer(
                lastBlock: checkpoint.lastBlock, head: checkpoint.headBlock, headSeenAt: checkpoint.headSeenAt?.unixSeconds,
                lastError: checkpoint.lastError, lastErrorAt: checkpoint.lastErrorAt?.unixSeconds,
                unknownTopics: count("unknown_topic"), malformedLogs: count("malformed"))
        }
    }
}
