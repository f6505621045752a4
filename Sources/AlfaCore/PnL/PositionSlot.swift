/// Where a position sits: trader, pair and slot index, without the open time that tells the
/// slot's successive lifecycles apart (`PositionKey`).
public struct PositionSlot: Hashable, Sendable {
    public let trader: EVMAddress
    public let pairIndex: Int32
    public let tradeIndex: Int32

    public init(trader: EVMAddress, pairIndex: Int32, tradeIndex: Int32) {
        self.trader = trader
        self.pairIndex = pairIndex
        self.tradeIndex = tradeIndex
    }
}
