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
        /// Open positions at the snapshot's marks, before closing fees.
        let unrealized_pnl_usdc: String
        /// Losing open collateral / peak collateral.
        let open_risk: Double

        /// A row of nothing, whose only use is naming the CSV columns of an empty board.
        static var empty: Row {
            let nobody = EVMAddress(hex: "0x0000000000000000000000000000000000000000")!
            return Row(rank: 0, score: 0, metrics: TraderMetrics(history: TraderHistory(trader: nobody), window: .all, asOf: 0))
        }

        init(_ row: LeaderboardRow) {
            self.init(rank: row.rank, score: row.score, metrics: row.metrics, unrealized: row.unrealized, openRisk: row.openRisk)
        }

        init(rank: Int, score: Double, metrics m: TraderMetrics, unrealized: Int64 = 0, openRisk: Double = 0) {
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
            unrealized_pnl_usdc = usdc(unrealized)
            open_risk = (openRisk * 10_000).rounded() / 10_000
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
        let pair: String
        let trade_index: Int32
        let open_time: Int64
        let age_seconds: Int64
        let is_long: Bool
        let collateral_usdc: String
        let notional_usdc: String
        let entry_price: String
        let leverage: Double
        /// Absent without a mark.
        let mark: Mark?
        let unrealized_pnl_usdc: String?
        let liquidation_price: String?
        /// Percent of the mark; zero or less once reached.
        let liquidation_distance_pct: Double?
    }

    struct Mark: Encodable {
        let price: String
        let source: String
        let age_seconds: Int64
        let stale: Bool
    }

    struct Close: Encodable {
        let time: Int64
        let pair_index: Int32
        let pair: String
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
                         rows: rows.map(Row.init)))
    }

    /// The same rows as `board`, as CSV: one header line, the columns in the JSON's field order.
    public static func csv(_ rows: [LeaderboardRow]) -> String {
        let records = rows.map(Row.init)
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
                (window.rawValue, Row(rank: 0, score: report.scores[window] ?? 0, metrics: metrics, unrealized: report.exposure.unrealized,
                                      openRisk: report.exposure.openRisk(peakCollateral: metrics.peakCollateral)))
            }),
            open_positions: report.openPositions.map { valued in
                let p = valued.position
                let price = { (value: Int64) in FixedPoint.format(value, scale: FixedPoint.priceScale) }
                return Position(
                    pair_index: p.key.pairIndex, pair: PairCatalogue.builtIn.name(of: p.key.pairIndex), trade_index: p.key.tradeIndex,
                    open_time: p.key.openTime, age_seconds: valued.age(now: report.asOf), is_long: p.isLong,
                    collateral_usdc: usdc(p.collateral), notional_usdc: usdc(p.notional), entry_price: price(valued.entryPrice),
                    leverage: Double(valued.leverage) / 1e10,
                    mark: valued.mark.map {
                        Mark(price: price($0.price), source: $0.source.rawValue, age_seconds: $0.age(now: report.asOf),
                             stale: $0.isStale(now: report.asOf, maxAge: report.maxMarkAge))
                    },
                    unrealized_pnl_usdc: valued.valuation.map { usdc($0.gross) },
                    liquidation_price: valued.valuation.map { price($0.liquidationPrice) },
                    liquidation_distance_pct: valued.valuation.map { Double($0.liquidationDistanceBps) / 100 })
            },
            recent_closes: report.recentCloses.map {
                Close(time: $0.closedAt, pair_index: $0.pairIndex, pair: PairCatalogue.builtIn.name(of: $0.pairIndex), kind: $0.kind.rawValue, collateral_usdc: usdc($0.collateral),
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

    private static func encode(_ value: some Encodable) throws -> String { try JSONOutput.encode(value) }
}

private func usdc(_ value: Int64) -> String { JSONOutput.usdc(value) }
