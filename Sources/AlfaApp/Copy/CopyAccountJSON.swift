import AlfaCore

/// `GET /api/v1/copy/pnl`: the copy account as `/copy pnl` shows it, money as exact decimal
/// strings in USDC.
public enum CopyAccountJSON {
    struct Account: Encodable {
        let as_of: Int64
        let realized_pnl_usdc: String
        /// Open positions at fresh marks, before closing fees.
        let unrealized_pnl_usdc: String
        let fees_usdc: String
        let gas_usdc: String
        let signals: Int
        let skipped: Int
        let orders: Int
        let filled: Int
        let failed: Int
        let active: Int
        let closed_trades: Int
        let wins: Int
        let win_rate: Double
        let open_positions: [Position]
        /// Positions without a fresh mark, left out of the unrealized PnL.
        let unvalued_positions: Int
    }

    struct Position: Encodable {
        let open_order_id: Int64
        let pair_index: Int32
        let pair: String
        let is_long: Bool
        let mode: String
        let entry_price: String
        let leverage: Double
        let collateral_usdc: String
        let mark: LeaderboardJSON.Mark?
        let unrealized_pnl_usdc: String?
        let liquidation_price: String?
    }

    public static func encode(_ performance: CopyPerformance, _ open: OpenPositionsReport, now: Int64, maxMarkAge: Int64) throws -> String {
        let usdc = JSONOutput.usdc
        let price = { (value: Int64) in FixedPoint.format(value, scale: FixedPoint.priceScale) }
        return try JSONOutput.encode(Account(
            as_of: now, realized_pnl_usdc: usdc(performance.realizedPnL), unrealized_pnl_usdc: usdc(open.unrealized),
            fees_usdc: usdc(performance.fees), gas_usdc: usdc(performance.gas), signals: performance.signals, skipped: performance.skipped,
            orders: performance.orders, filled: performance.filled, failed: performance.failed, active: performance.active,
            closed_trades: performance.closedTrades, wins: performance.wins,
            win_rate: performance.closedTrades > 0 ? Double(performance.wins) / Double(performance.closedTrades) : 0,
            open_positions: open.lines.map { line in
                let p = line.position
                return Position(
                    open_order_id: p.openOrderID, pair_index: p.pairIndex, pair: PairCatalogue.builtIn.name(of: p.pairIndex), is_long: p.isLong,
                    mode: p.mode.rawValue, entry_price: price(p.entryPrice), leverage: Double(p.leverage) / 1e10,
                    collateral_usdc: usdc(p.remainingCollateral),
                    mark: line.mark.map {
                        LeaderboardJSON.Mark(price: price($0.price), source: $0.source.rawValue, age_seconds: $0.age(now: now),
                                             stale: $0.isStale(now: now, maxAge: maxMarkAge))
                    },
                    unrealized_pnl_usdc: line.valuation.map { usdc($0.gross) },
                    liquidation_price: line.valuation.map { price($0.liquidationPrice) })
            },
            unvalued_positions: open.unvalued))
    }
}
