/// One position lifecycle. Avantis reuses the slot `tradeIndex` after a close, so the open
/// time tells two lifecycles in one slot apart.
public struct PositionKey: Hashable, Sendable, CustomStringConvertible {
    public let trader: EVMAddress
    public let pairIndex: Int32
    public let tradeIndex: Int32
    public let openTime: Int64

    public init(trader: EVMAddress, pairIndex: Int32, tradeIndex: Int32, openTime: Int64) {
        self.trader = trader
        self.pairIndex = pairIndex
        self.tradeIndex = tradeIndex
        self.openTime = openTime
    }

    public var description: String { "\(trader.short)/pair \(pairIndex)/slot \(tradeIndex)@\(openTime)" }
}

extension Fill {
    public var positionKey: PositionKey {
        PositionKey(trader: trader, pairIndex: pairIndex, tradeIndex: tradeIndex, openTime: openTime)
    }
}
