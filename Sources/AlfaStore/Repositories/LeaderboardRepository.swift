import AlfaCore

/// Stores leaderboard snapshots and reads the latest one back. A snapshot is written in one
/// transaction (row + entries by COPY), so a reader sees a whole ranking or the previous one.
public struct LeaderboardRepository: Sendable {
    /// What is known about a stored snapshot.
    public struct SnapshotInfo: Sendable, Equatable {
        public let id: Int64
        public let asOf: Int64
        public let computedAt: Timestamp
        public let lastFillID: Int64
        public let traders: Int
        public let eligible: Int
        public let computeMilliseconds: Double
    }

    /// Snapshots kept; older ones are deleted when a new one is saved.
    public let keep: Int

    public init(keep: Int = 5) {
        self.keep = keep
    }

    static let columns = [
        "snapshot_id", "time_window", "rank", "trader", "score", "clean_pnl", "gross_pnl", "fees", "trades", "wins",
        "volume", "profit_factor", "expectancy", "max_drawdown", "max_drawdown_pct", "peak_collateral", "sharpe",
        "probabilistic_sharpe", "average_leverage", "max_leverage", "liquidations", "median_hold_seconds",
        "short_hold_share", "active_days", "active_weeks", "positive_weeks", "closes", "payout_mismatches", "last_trade_time",
        "unrealized_pnl", "open_risk",
    ]

    @discardableResult
    public func save(_ snapshot: LeaderboardSnapshot, lastFillID: Int64, computeMilliseconds: Double,
                     on connection: PostgresConnection) throws -> Int64 {
        try connection.transaction { connection in
            let id = try connection.query(
                """
                INSERT INTO leaderboard_snapshots (as_of, last_fill_id, traders, eligible, compute_ms)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """,
                [Timestamp(unixSeconds: snapshot.asOf), lastFillID, snapshot.traders, snapshot.eligible, computeMilliseconds]
            )[0].decode(0, as: Int64.self)
            try connection.copy(into: "leaderboard_entries", columns: Self.columns) { writer in
                for (window, rows) in snapshot.rows {
                    for row in rows {
                        let m = row.metrics
                        writer.field(id)
                        writer.field(window.rawValue)
                        writer.field(Int64(row.rank))
                        writer.field(bytes: m.trader.bytes)
                        writer.field(row.score.postgresText)
                        writer.field(m.cleanPnL)
                        writer.field(m.grossPnL)
                        writer.field(m.fees)
                        writer.field(Int64(m.trades))
                        writer.field(Int64(m.wins))
                        writer.field(m.volume)
                        if let factor = m.profitFactor { writer.field(factor.postgresText) } else { writer.null() }
                        writer.field(m.expectancy)
                        writer.field(m.maxDrawdown)
                        writer.field(m.maxDrawdownPct.postgresText)
                        writer.field(m.peakCollateral)
                        writer.field(m.sharpe.postgresText)
                        writer.field(m.probabilisticSharpe.postgresText)
                        writer.field(m.averageLeverage.postgresText)
                        writer.field(m.maxLeverage.postgresText)
                        writer.field(Int64(m.liquidations))
                        if let hold = m.medianHoldSeconds { writer.field(hold) } else { writer.null() }
                        writer.field(m.shortHoldShare.postgresText)
                        writer.field(Int64(m.activeDays))
                        writer.field(Int64(m.activeWeeks))
                        writer.field(Int64(m.positiveWeeks))
                        writer.field(Int64(m.closes))
                        writer.field(Int64(m.payoutMismatches))
                        if let last = m.lastTradeTime { writer.field(Timestamp(unixSeconds: last)) } else { writer.null() }
                        writer.field(row.unrealized)
                        writer.field(row.openRisk.postgresText)
                        try writer.endRow()
                    }
                }
            }
            try connection.query(
                "DELETE FROM leaderboard_snapshots WHERE id NOT IN (SELECT id FROM leaderboard_snapshots ORDER BY id DESC LIMIT $1)",
                [keep])
            return id
        }
    }

    public func latest(on connection: PostgresConnection) throws -> SnapshotInfo? {
        let rows = try connection.query(
            """
            SELECT id, as_of, computed_at, last_fill_id, traders, eligible, compute_ms
            FROM leaderboard_snapshots ORDER BY id DESC LIMIT 1
            """)
        return try rows.first.map { row in
            SnapshotInfo(id: try row.decode("id"), asOf: try row.decode("as_of", as: Timestamp.self).unixSeconds,
                         computedAt: try row.decode("computed_at"), lastFillID: try row.decode("last_fill_id"), traders: try row.decode("traders"),
                         eligible: try row.decode("eligible"), computeMilliseconds: try row.decode("compute_ms"))
        }
    }

    /// The best `limit` rows of `window` in a snapshot.
    public func top(_ limit: Int, window: TimeWindow, snapshot: Int64, on connection: PostgresConnection) throws -> [LeaderboardRow] {
        let rows = try connection.query(
            "SELECT \(Self.columns.dropFirst(2).joined(separator: ", ")) FROM leaderboard_entries "
                + "WHERE snapshot_id = $1 AND time_window = $2 ORDER BY rank LIMIT $3",
            [snapshot, window.rawValue, limit])
        return try rows.map { try Self.decode($0, window: window) }
    }

    /// One trader's row in a snapshot's window, if ranked.
    public func row(of trader: EVMAddress, window: TimeWindow, snapshot: Int64, on connection: PostgresConnection) throws -> LeaderboardRow? {
        let rows = try connection.query(
            "SELECT \(Self.columns.dropFirst(2).joined(separator: ", ")) FROM leaderboard_entries "
                + "WHERE snapshot_id = $1 AND time_window = $2 AND trader = $3",
            [snapshot, window.rawValue, trader])
        return try rows.first.map { try Self.decode($0, window: window) }
    }

    /// A row from `columns` (less the snapshot and window), by name.
    static func decode(_ row: PostgresRow, window: TimeWindow) throws -> LeaderboardRow {
        let peak: Int64 = try row.decode("peak_collateral")
        let clean: Int64 = try row.decode("clean_pnl")
        let metrics = TraderMetrics(
            trader: try row.decode("trader"), window: window, cleanPnL: clean, grossPnL: try row.decode("gross_pnl"), fees: try row.decode("fees"),
            closes: try row.decode("closes"), trades: try row.decode("trades"), wins: try row.decode("wins"), volume: try row.decode("volume"),
            profitFactor: try row.optional("profit_factor"), expectancy: try row.decode("expectancy"), maxDrawdown: try row.decode("max_drawdown"),
            maxDrawdownPct: try row.decode("max_drawdown_pct"), peakCollateral: peak,
            returnOnPeakCollateral: peak > 0 ? Double(clean) / Double(peak) : 0,
            sharpe: try row.decode("sharpe"), probabilisticSharpe: try row.decode("probabilistic_sharpe"), averageLeverage: try row.decode("average_leverage"),
            maxLeverage: try row.decode("max_leverage"), liquidations: try row.decode("liquidations"), medianHoldSeconds: try row.optional("median_hold_seconds"),
            shortHoldShare: try row.decode("short_hold_share"), activeDays: try row.decode("active_days"), activeWeeks: try row.decode("active_weeks"),
            positiveWeeks: try row.decode("positive_weeks"), lastTradeTime: try row.optional("last_trade_time", as: Timestamp.self)?.unixSeconds,
            payoutMismatches: try row.decode("payout_mismatches"), validUntil: nil)
        return LeaderboardRow(rank: try row.decode("rank"), score: try row.decode("score"), metrics: metrics, unrealized: try row.decode("unrealized_pnl"),
                              openRisk: try row.decode("open_risk"))
    }
}
