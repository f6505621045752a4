import AlfaCore

/// `GET /api/v1/status`: what `/status` shows, as data.
public enum StatusJSON {
    struct Status: Encodable {
        let version: String
        let now: Int64
        let started_at: Int64
        let mode: String
        let emergency_stop: Bool
        let mode_changed_by: String
        let mode_changed_at: Int64
        let mode_reason: String?
        /// Absent when the indexer never ran on this database.
        let indexer: Indexer?
        let leaderboard_computed_at: Int64?
        /// One line per breaker; absent where the copy engine does not run.
        let breakers: [String]?
        let open_copy_positions: Int?
        let copy_paused: String?
        let prices: String?
        /// nil: healthy.
        let database_problem: String?
        let database_milliseconds: Int?
    }

    struct Indexer: Encodable {
        let indexed_block: Int64
        let head_block: Int64?
        let lag_blocks: Int64?
        let head_seen_at: Int64?
        let last_error: String?
        let last_error_at: Int64?
        let unknown_topic_logs: Int64
        let malformed_logs: Int64
    }

    public static func encode(_ report: StatusReport) throws -> String {
        let execution = report.execution
        return try JSONOutput.encode(Status(
            version: report.version, now: report.now, started_at: report.startedAt, mode: execution.mode.rawValue,
            emergency_stop: execution.emergencyStop, mode_changed_by: execution.changedBy.description, mode_changed_at: execution.changedAt,
            mode_reason: execution.reason,
            indexer: report.indexer.map {
                Indexer(indexed_block: $0.lastBlock, head_block: $0.head, lag_blocks: $0.head.map { [last = $0.lastBlock] in max(0, $0 - last) },
                        head_seen_at: $0.headSeenAt, last_error: $0.lastError, last_error_at: $0.lastErrorAt,
                        unknown_topic_logs: $0.unknownTopics, malformed_logs: $0.malformedLogs)
            },
            leaderboard_computed_at: report.leaderboardComputedAt, breakers: report.breakers, open_copy_positions: report.openCopyPositions,
            copy_paused: report.copyPaused, prices: report.prices, database_problem: report.databaseProblem,
            database_milliseconds: report.databaseMilliseconds))
    }
}
