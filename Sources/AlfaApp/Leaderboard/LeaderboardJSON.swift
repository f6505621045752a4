import AlfaCore
import Foundation

/// The JSON shapes of `alfa leaderboard --json` and `alfa trader --json`: money as exact
/// decimal strings in USDC, rates as numbers from 0 to 1, addresses in lowercase hex.
public enum LeaderboardJSON {
    struct Row: Encodable {
        let rank: Int
        let trader: String
        let score: Double
        let clean_pnl_usdc: String
        let gross_pnl_usdc: String
        let fees_usdc: String
        let trades: Int
        let wins: Int
        let win_rate: Double
        let volume_usdc: String
        let profit_factor: Double?
        let expectancy_usdc: String
        let max_drawdown_usdc: String
        let max_drawdown_pct: Double
        let return_on_peak_collateral: Double
        let sharpe_daily: Double
        let probabilistic_sharpe: Double
        let average_leverage: Double
        let max_leverage: Double
        let liquidations: Int
        let median_hold_seconds: Int64?
        let last_trade_time: Int64?

        /// A row of nothing, whose only use is naming the CSV columns of an empty board.
        static var empty: Row {
            let nobody = EVMAddress(hex: "0x0000000000000000000000000000000000000000")!
            return Row(rank: 0, score: 0, metrics: TraderMetrics(history: TraderHistory(trader: nobody), window: .all, asOf: 0))
        }

        init(rank: Int, score: Double, metrics m: TraderMetrics) {
            self.rank = rank
            trader = m.trader.description
            self.score = (score * 100).rounded() / 100
            clean_pnl_usdc = usdc(m.cleanPnL)
            gross_pnl_usdc = usdc(m.grossPnL)
            fees_usdc = usdc(m.fees)
            trades = m.trades
            wins = m.wins
            win_rate = m.winRate
            volume_usdc = usdc(m.volume)
            profit_factor = m.profitFactor
            expectancy_usdc = usdc(m.expectancy)
            max_drawdown_usdc = usdc(m.maxDrawdown)
            max_drawdown_pct = m.maxDrawdownPct
            return_on_peak_collateral = m.returnOnPeakCollateral
            sharpe_daily = m.sharpe
            probabilistic_sharpe = m.probabilisticSharpe
            average_leverage = m.averageLeverage
            max_leverage = m.maxLeverage
            liquidations = m.liquidations
            median_hold_seconds = m.medianHoldSeconds
            last_trade_time = m.lastTradeTime
        }
    }

    struct Board: Encodable {
        let window: String
        let as_of: Int64
        let eligible: Int
        let rows: [Row]
    }

    struct Trader: Encodable {
        let trader: String
        let as_of: Int64
        let eligible: Bool
        let ineligibility: [String]
        let rank_30d: Int?
        let windows: [String: Row]
        let open_positions: [Position]
        let recent_closes: [Close]
        let unmatched_closes: Int
        /// Positions changed by events alfa cannot decode yet; non-empty: the record is uncertain.
        let uncertain_positions: [Uncertain]
        let record_uncertain: Bool
    }

    struct Uncertain: Encodable {
        let pair_index: Int32
        let trade_index: Int32
        let topic0: String?
        let block_number: Int64
        let why: String
    }

    struct Position: Encodable {
        let pair_index: Int32
        let trade_index: Int32
        let open_time: Int64
        let is_long: Bool
        let collateral_usdc: String
        let notional_usdc: String
    }

    struct Close: Encodable {
        let time: Int64
        let pair_index: Int32
        let kind: String
        let collateral_usdc: String
        let gross_pnl_usdc: String
        let fees_usdc: String
        /// The funding part of the fees (v2): positive paid by the trader, negative received.
        let funding_usdc: String
        let net_pnl_usdc: String
        let payout_mismatch: Bool
    }

    public static func board(_ rows: [LeaderboardRow], window: TimeWindow, asOf: Int64, eligible: Int) throws -> String {
        try encode(Board(window: window.rawValue, as_of: asOf, eligible: eligible,
                         rows: rows.map { Row(rank: $0.rank, score: $0.score, metrics: $0.metrics) }))
    }

    /// The same rows as `board`, as CSV: one header line, the columns in the JSON's field order.
    public static func csv(_ rows: [LeaderboardRow]) -> String {
        let records = rows.map { Row(rank: $0.rank, score: $0.score, metrics: $0.metrics) }
        // One definition of the columns: the JSON row's stored properties, in declaration order.
        let sample = Mirror(reflecting: records.first ?? Row.empty)
        var lines = [sample.children.compactMap(\.label).joined(separator: ",")]
        for record in records {
            lines.append(Mirror(reflecting: record).children.map { cell($0.value) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func cell(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return "\(value)" }
        return mirror.children.first.map { cell($0.value) } ?? ""
    }

    public static func trader(_ report: LeaderboardQueries.TraderReport) throws -> String {
        let gates = report.ineligibility
        return try encode(Trader(
            trader: report.trader.description, as_of: report.asOf, eligible: gates.isEmpty, ineligibility: gates,
            rank_30d: report.rank,
            windows: Dictionary(uniqueKeysWithValues: report.metrics.map { window, metrics in
                (window.rawValue, Row(rank: 0, score: report.scores[window] ?? 0, metrics: metrics))
            }),
            open_positions: report.openPositions.map {
                Position(pair_index: $0.key.pairIndex, trade_index: $0.key.tradeIndex, open_time: $0.key.openTime,
                         is_long: $0.isLong, collateral_usdc: usdc($0.collateral), notional_usdc: usdc($0.notional))
            },
            recent_closes: report.recentCloses.map {
                Close(time: $0.closedAt, pair_index: $0.pairIndex, kind: $0.kind.rawValue, collateral_usdc: usdc($0.collateral),
                      gross_pnl_usdc: usdc($0.grossPnL), fees_usdc: usdc($0.fees), funding_usdc: usdc($0.funding),
                      net_pnl_usdc: usdc($0.netPnL),
                      payout_mismatch: $0.payoutMismatch)
            },
            unmatched_closes: report.unmatchedCloses,
            uncertain_positions: report.uncertainPositions.map {
                Uncertain(pair_index: $0.pairIndex, trade_index: $0.tradeIndex, topic0: $0.topic0?.description,
                          block_number: $0.blockNumber, why: "positions changed by events alfa cannot decode yet")
            },
            record_uncertain: !report.uncertainPositions.isEmpty))
    }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

private func usdc(_ value: Int64) -> String { FixedPoint.format(value, scale: FixedPoint.usdcScale) }
