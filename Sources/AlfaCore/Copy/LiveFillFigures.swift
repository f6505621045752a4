/// What a LIVE fill of ours books on its copy order: from the relayer's word at first, then
/// from our fill as the indexer stored it (with its fees), which is final.
public struct LiveFillFigures: Sendable, Equatable {
    public var price: Int64
    public var collateral: Int64
    public var fee: Int64
    public var grossPnL: Int64
    public var netPnL: Int64
    public var openingFeeShare: Int64
    public var tradeIndex: Int32?
    /// The position's on-chain open time (what its closes bind).
    public var openTimestamp: Int64?

    /// The open position the close belongs to, as booked so far.
    public struct Position: Sendable, Equatable {
        public var remainingOpeningFee: Int64
        public var remainingCollateral: Int64

        public init(remainingOpeningFee: Int64, remainingCollateral: Int64) {
            self.remainingOpeningFee = remainingOpeningFee
            self.remainingCollateral = remainingCollateral
        }
    }

    /// A fill of ours: for a close, `position` carries what the open left to share.
    public init(_ fill: RelayerEvent.Fill, fees: Int64, closing position: Position?) {
        price = fill.price
        collateral = fill.collateral
        fee = fees
        tradeIndex = fill.tradeIndex
        openTimestamp = fill.openTimestamp
        guard let position, !fill.isOpen else {
            (grossPnL, netPnL, openingFeeShare) = (0, 0, 0)
            return
        }
        openingFeeShare = CopyAccounting.openingFeeShare(remainingFee: position.remainingOpeningFee, closing: fill.collateral,
                                                         remainingCollateral: position.remainingCollateral)
        grossPnL = Int64(clamping: Int128(fill.collateral) * Int128(fill.percentProfit) / 1_000_000_000_000)
        netPnL = CopyAccounting.netPnL(payout: fill.payout, closed: fill.collateral, openingFeeShare: openingFeeShare)
    }
}

extension RelayerEvent.Fill {
    /// Our fill as the indexer stored it, in the relayer's terms (the chain's word on an order).
    public init(ours fill: Fill) {
        self.init(orderID: String(fill.orderID), isOpen: fill.kind == .open, price: fill.price, collateral: fill.collateral,
                  percentProfit: fill.percentProfit, payout: fill.payout, tradeIndex: fill.tradeIndex, openTimestamp: fill.openTime,
                  transactionHash: fill.txHash.description)
    }
}
