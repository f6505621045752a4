import AlfaCore

/// What `/metrics` reads from the database at a scrape: small aggregates, a few milliseconds
/// at any size (the tables they read stay small, or the query uses an index).
public struct MetricsRepository: Sendable {
    public struct Sample: Sendable, Equatable {
        public var indexedBlock: Int64?
        public var headBlock: Int64?
        public var headSeenAt: Int64?
        /// Raw logs kept by reason: unknown_topic, malformed (companions are decoded ones).
        public var rawLogs: [String: Int64] = [:]
        public var leaderboard: LeaderboardRepository.SnapshotInfo?
        /// Copy orders by (status, mode).
        public var orders: [OrderCount] = []
        public var alertsPending: Int64 = 0
        public var execution: ExecutionState?
        public var openBreakers: [String] = []
        public var watches: Int64 = 0
    }

    public struct OrderCount: Sendable, Equatable {
        public var status: String
        public var mode: String
        public var count: Int64
    }

    public init() {}

    public func sample(on connection: PostgresConnection) throws -> Sample {
        var sample = Sample()
        if let checkpoint = try IndexerRepository().checkpoint(on: connection) {
            sample.indexedBlock = checkpoint.lastBlock
            sample.headBlock = checkpoint.headBlock
            sample.headSeenAt = checkpoint.headSeenAt?.unixSeconds
        }
        for reason in ["unknown_topic", "malformed"] { sample.rawLogs[reason] = 0 }
        for row in try connection.query("SELECT reason, count(*) AS count FROM raw_logs WHERE reason <> 'companion' GROUP BY reason") {
            sample.rawLogs[try row.decode("reason")] = try row.decode("count")
        }
        sample.leaderboard = try LeaderboardRepository().latest(on: connection)
        sample.orders = try connection.query("SELECT status, mode, count(*) AS count FROM copy_orders GROUP BY status, mode ORDER BY 1, 2").map {
            OrderCount(status: try $0.decode("status"), mode: try $0.decode("mode"), count: try $0.decode("count"))
        }
        sample.alertsPending = try connection.query("SELECT count(*) FROM alert_outbox WHERE finished_at IS NULL").first?.decode(0) ?? 0
        sample.execution = try ExecutionRepository().load(on: connection)
        sample.openBreakers = try connection.query("SELECT breaker FROM breaker_state WHERE open ORDER BY breaker").map { try $0.decode(0) }
        sample.watches = try connection.query("SELECT count(*) FROM watches").first?.decode(0) ?? 0
        return sample
    }
}
