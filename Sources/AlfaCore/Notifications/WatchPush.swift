/// What `/watch` did.
public enum WatchOutcome: Sendable, Equatable {
    case added(count: Int)
    case already
    /// The user watches WATCH_MAX_PER_USER traders already.
    case full
}

/// The texts of watchlists: the answers to `/watch` and `/watchlist`, and the push a watcher
/// gets for each fill of a watched trader.
public enum WatchReplies {
    public static func watched(_ trader: EVMAddress, outcome: WatchOutcome, limit: Int) -> String {
        switch outcome {
        case .added(let count):
            "Watching \(trader.short) (\(count) of \(limit)): you will hear of its opens, closes and liquidations. /unwatch \(trader.short) stops it."
        case .already: "You already watch \(trader.short)."
        case .full: "You watch \(limit) traders already, the most allowed (WATCH_MAX_PER_USER): /unwatch one first."
        }
    }

    public static func list(_ traders: [EVMAddress], limit: Int) -> String {
        guard !traders.isEmpty else { return "You watch nobody yet: /watch 0xADDRESS|RANK, or the Watch button under a trader's card." }
        return "<b>Watching \(traders.count) of \(limit)</b>\n" + traders.map { "<code>\($0)</code>" }.joined(separator: "\n")
            + "\n/unwatch 0xPREFIX stops one."
    }

    /// `👁 0x6224…d8e6 opened ETH/USD long 500 USDC ×10 at 3,412.5` and the like, with the PnL of a close.
    public static func push(_ fill: Fill) -> String {
        let pair = PairCatalogue.builtIn.name(of: fill.pairIndex)
        let side = fill.isLong ? "long" : "short"
        let verb: String = switch fill.kind {
        case .open: "opened"
        case .increase: "added to"
        case .partialClose: "partly closed"
        case .close: "closed"
        case .takeProfit: "took profit on"
        case .stopLoss: "was stopped out of"
        case .liquidation: "was liquidated on"
        }
        let icon = fill.kind == .liquidation ? "💥" : "👁"
        var line = "\(icon) <b>\(fill.trader.short)</b> \(verb) \(TelegramHTML.escape(pair)) \(side) "
            + FixedPoint.display(fill.collateral, decimals: 0) + " USDC ×" + FixedPoint.display(fill.leverage, scale: FixedPoint.priceScale, decimals: 1)
            + " at " + FixedPoint.display(fill.price, scale: FixedPoint.priceScale)
        if fill.kind.isClose {
            line += " · PnL " + FixedPoint.display(fill.netPnL, decimals: 2, signed: true) + " USDC"
        }
        return line
    }
}
