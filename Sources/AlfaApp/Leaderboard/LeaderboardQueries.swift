import AlfaCore
import AlfaStore

/// Reads for people: the stored ranking and one trader's card. Shared by the CLI and the bot.
public enum LeaderboardQueries {
    /// The best `count` of the latest stored snapshot, or nil when none was computed yet.
    public static func top(_ count: Int, window: TimeWindow, pool: PostgresPool)
        async throws -> (info: LeaderboardRepository.SnapshotInfo, rows: [LeaderboardRow])? {
        try await pool.withConnection { connection in
            let repository = LeaderboardRepository()
            guard let info = try repository.latest(on: connection) else { return nil }
            return (info, try repository.top(count, window: window, snapshot: info.id, on: connection))
        }
    }

    /// Everything `alfa trader` and `/alfa trader` show.
    public struct TraderReport: Sendable {
        public let trader: EVMAddress
        public let asOf: Int64
        public let metrics: [TimeWindow: TraderMetrics]
        public let scores: [TimeWindow: Double]
        public let ineligibility: [String]
        public let rank: Int?
        /// At their marks (the price feed's, else the pair's last fill).
        public let openPositions: [ValuedPosition]
        public let maxMarkAge: Int64
        public let exposure: OpenExposure
        /// Every close, in chain order: the equity curve.
        public let closes: [ClosedTrade]
        /// The last 20 closes, newest first.
        public var recentCloses: [ClosedTrade] { Array(closes.suffix(20).reversed()) }
        public let unmatchedCloses: Int
        /// Positions changed by events alfa cannot decode yet: the record is uncertain.
        public let uncertainPositions: [RawLogRepository.UncertainPosition]

        public func text(style: LeaderboardText.Style) -> String {
            LeaderboardText.trader(trader, metrics: metrics, ineligibility: ineligibility, rank: rank,
                                   open: openPositions, exposure: exposure, recentCloses: recentCloses,
                                   uncertain: uncertainPositions.map { (pairIndex: $0.pairIndex, tradeIndex: $0.tradeIndex) },
                                   asOf: asOf, maxMarkAge: maxMarkAge, style: style)
        }

        /// The realized equity over `window`, plus the open positions at their marks when any is valued.
        public func chart(window: TimeWindow) -> EquityChart {
            let valued = openPositions.contains { $0.valuation != nil }
            return EquityChart(title: "\(trader.short) · equity · \(window.rawValue)",
                               closes: closes.map { RealizedClose(time: $0.closedAt, pnl: $0.netPnL) }, start: window.start(asOf: asOf), end: asOf,
                               unrealized: valued ? exposure.unrealized : nil,
                               fileName: "trader-\(trader.hexDigits.prefix(8))-\(window.rawValue).png")
        }
    }

    /// The board a command prints: ranked as of `asOf` from the fills (nothing stored), or the
    /// stored snapshot (recomputed first with `refresh`); nil when none is stored yet.
    public static func board(top: Int, window: TimeWindow, asOf: Int64?, refresh: Bool, gates: EligibilityGates,
                             pool: PostgresPool) async throws -> (rows: [LeaderboardRow], asOf: Int64, eligible: Int)? {
        if let asOf {
            let snapshot = try await LeaderboardRefresher.rank(asOf: asOf, pool: pool, gates: gates)
            return (Array((snapshot.rows[window] ?? []).prefix(top)), asOf, snapshot.eligible)
        }
        if refresh { _ = try await LeaderboardRefresher(pool: pool, gates: gates).refresh() }
        guard let stored = try await Self.top(top, window: window, pool: pool) else { return nil }
        return (stored.rows, stored.info.asOf, stored.info.eligible)
    }

    public static let noBoardYet = "no leaderboard yet: alfa serve computes one every LEADER_REFRESH_SECONDS; "
        + "alfa leaderboard --refresh computes one now"

    /// `feed`: the price feed's marks of the pairs asked, when the caller has one; the pairs'
    /// last fills up to `asOf` stand in for the others.
    public static func trader(_ trader: EVMAddress, asOf: Int64, gates: EligibilityGates, pool: PostgresPool,
                              feed: @Sendable (Set<Int32>) async -> [Int32: Mark] = { _ in [:] },
                              maxMarkAge: Int64 = 60) async throws -> TraderReport {
        let (fills, rank, uncertain) = try await pool.withConnection { connection in
            let fills = try FillRepository().fills(of: trader, on: connection).filter { $0.blockTime <= asOf }
            let repository = LeaderboardRepository()
            let rank = try repository.latest(on: connection).flatMap {
                try repository.row(of: trader, window: .thirtyDays, snapshot: $0.id, on: connection)?.rank
            }
            return (fills, rank, try RawLogRepository().uncertainPositions(of: trader, on: connection))
        }
        var history = TraderHistory(trader: trader)
        fills.forEach { history.apply($0) }
        let pairs = Set(history.book.openPositions.map(\.key.pairIndex))
        let lastFills = pairs.isEmpty ? [:] : try await pool.withConnection {
            try FillRepository().recentPrices(pairs: Array(pairs), limit: 1, upTo: asOf, on: $0)
        }.compactMapValues { $0.last.map { Mark(price: Int64($0.value), source: .lastFill, publishedAt: $0.time) } }
        let fed = pairs.isEmpty ? [:] : await feed(pairs)
        var marks: [Int32: Mark] = [:]
        for pair in pairs { marks[pair] = Mark.best(pyth: fed[pair], lastFill: lastFills[pair], now: asOf, maxAge: maxMarkAge) }
        let exposure = OpenExposure(history.book.openPositions, marks: marks.mapValues(\.price))
        var metrics: [TimeWindow: TraderMetrics] = [:]
        for window in TimeWindow.allCases {
            metrics[window] = TraderMetrics(history: history, window: window, asOf: asOf)
        }
        let reasons = gates.reasons(thirtyDays: metrics[.thirtyDays]!, asOf: asOf)
        let scores = metrics.mapValues {
            CopyabilityScore(metrics: $0, asOf: asOf, activeHours: gates.activeHours, exposure: exposure).ranked(uncertain: !uncertain.isEmpty)
        }
        return TraderReport(
            trader: trader, asOf: asOf, metrics: metrics, scores: scores, ineligibility: reasons, rank: reasons.isEmpty ? rank : nil,
            openPositions: history.book.openPositions.sorted { $0.key.openTime < $1.key.openTime }
                .map { ValuedPosition($0, mark: marks[$0.key.pairIndex]) },
            maxMarkAge: maxMarkAge, exposure: exposure,
            closes: history.closes,
            unmatchedCloses: history.book.unmatchedCloses, uncertainPositions: uncertain)
    }
}
