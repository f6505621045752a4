import AlfaCore

/// `alfa backtest --json`: the result, money as USDC decimal strings (exact), times in unix seconds.
public enum BacktestJSON {
    struct Result: Encodable {
        let leader: String
        let since: Int64?
        let start: Int64
        let until: Int64
        let signals: Int
        let opens_copied: Int
        let closes_mirrored: Int
        let closed_by_our_exits: Int
        let skipped: [String: Int]
        let closed_trades: Int
        let win_rate: Double?
        let clean_pnl_usdc: String
        let fees_usdc: String
        let max_drawdown_usdc: String
        let open_at_end: Int
        let unrealized_pnl_usdc: String
        let closes: [Close]
    }

    struct Close: Encodable {
        let time: Int64
        let net_pnl_usdc: String
    }

    public static func encode(_ result: BacktestResult) throws -> String {
        let usdc = JSONOutput.usdc
        return try JSONOutput.encode(Result(
            leader: result.leader.description, since: result.from, start: result.start, until: result.until, signals: result.signals,
            opens_copied: result.opens, closes_mirrored: result.mirroredCloses, closed_by_our_exits: result.exits, skipped: result.skipped,
            closed_trades: result.closes.count, win_rate: result.winRate, clean_pnl_usdc: usdc(result.realizedPnL),
            fees_usdc: usdc(result.fees), max_drawdown_usdc: usdc(result.maxDrawdown), open_at_end: result.openAtEnd,
            unrealized_pnl_usdc: usdc(result.unrealized),
            closes: result.closes.map { Close(time: $0.time, net_pnl_usdc: usdc($0.pnl)) }))
    }
}
