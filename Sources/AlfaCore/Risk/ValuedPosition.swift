/// A trader's open position (all its lots as one) valued at a mark, for the trader card and
/// `alfa trader --json`: entry (notional-weighted), unrealized PnL, liquidation and age.
public struct ValuedPosition: Sendable {
    public let position: PositionBook.OpenPosition
    /// Notional-weighted entry of the lots, × 1e10.
    public let entryPrice: Int64
    /// Notional / collateral, × 1e10.
    public let leverage: Int64
    public let mark: Mark?
    /// At the mark, whatever its age (the card shows a stale one as stale).
    public let valuation: PositionValuation?

    public init(_ position: PositionBook.OpenPosition, mark: Mark?) {
        self.position = position
        let lots = position.lots
        let notional = lots.reduce(Int128(0)) { $0 + Int128(Lot.notional($1.collateral, $1.leverage)) }
        let weighted = lots.reduce(Int128(0)) { $0 + Int128(Lot.notional($1.collateral, $1.leverage)) * Int128($1.price) }
        entryPrice = notional > 0 ? Int64(weighted / notional) : (lots.first?.price ?? 0)
        let collateral = position.collateral
        let leverage = collateral > 0 ? Int64(notional * 10_000_000_000 / Int128(collateral)) : 0
        self.leverage = leverage
        self.mark = mark
        let held = PositionValuation.Position(isLong: position.isLong, openPrice: entryPrice, collateral: collateral, leverage: leverage)
        valuation = mark.map { PositionValuation(held, mark: $0.price) }
    }

    /// Seconds since it opened.
    public func age(now: Int64) -> Int64 { max(0, now - position.key.openTime) }

    /// "BTC/USD long 1,000 USDC ×10.0 entry 65,000.00 · mark 64,000.00 (last fill, 5 s old) · PnL -153.85 · liquidation 59,475.00 (7.1 % away) · open 3h 20m"
    public func line(now: Int64, maxAge: Int64, names: PairCatalogue = .builtIn) -> String {
        var text = "\(names.name(of: position.key.pairIndex)) \(position.isLong ? "long" : "short") "
            + "\(FixedPoint.display(position.collateral, decimals: 0)) USDC ×\(FixedPoint.display(leverage, scale: FixedPoint.priceScale, decimals: 1)) "
            + "entry \(FixedPoint.display(entryPrice, scale: FixedPoint.priceScale))"
        if let mark, let valuation {
            text += " · mark \(mark.describe(now: now, maxAge: maxAge)) · PnL \(FixedPoint.display(valuation.gross, signed: true))"
                + " · liquidation \(FixedPoint.display(valuation.liquidationPrice, scale: FixedPoint.priceScale))"
                + " (\(FixedPoint.display(valuation.liquidationDistanceBps, scale: 2, decimals: 1)) % away)"
        } else {
            text += " · no mark"
        }
        return text + " · open \(StatusReport.age(age(now: now)))"
    }
}
