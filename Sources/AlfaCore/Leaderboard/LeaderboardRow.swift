/// One ranked trader in one window.
public struct LeaderboardRow: Sendable, Equatable {
    public let rank: Int
    public let score: Double
    public let metrics: TraderMetrics
    /// Open positions at the marks of the snapshot: unrealized PnL (USDC × 1e6, before closing
    /// fees) and `open_risk` (losing open collateral / peak collateral).
    public let unrealized: Int64
    public let openRisk: Double

    public init(rank: Int, score: Double, metrics: TraderMetrics, unrealized: Int64 = 0, openRisk: Double = 0) {
        self.rank = rank
        self.score = score
        self.metrics = metrics
        self.unrealized = unrealized
        self.openRisk = openRisk
    }

    public var trader: EVMAddress { metrics.trader }
}

/// The ranking of every window at one moment.
public struct LeaderboardSnapshot: Sendable {
    public let asOf: Int64
    public let traders: Int
    public let eligible: Int
    public let rows: [TimeWindow: [LeaderboardRow]]

    public init(asOf: Int64, traders: Int, eligible: Int, rows: [TimeWindow: [LeaderboardRow]]) {
        self.asOf = asOf
        self.traders = traders
        self.eligible = eligible
        self.rows = rows
    }
}
