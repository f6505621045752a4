/// One close (full, partial, TP, SL or liquidation) matched against its lots.
/// Money in USDC × 1e6, prices × 1e10. Kept compact (a whale has a million of these):
/// the trader is the history's, and small fields are packed first.
public struct ClosedTrade: Sendable, Equatable {
    public let pairIndex: Int32
    public let tradeIndex: Int32
    public let logIndex: Int32
    public let kind: FillKind
    public let isLong: Bool
    /// True when this close left nothing open: the position is one completed trade.
    public let completesPosition: Bool
    /// Gross − fees and the on-chain payout disagree beyond rounding (loss protection,
    /// liquidation fees or a decoding problem): worth a look.
    public let payoutMismatch: Bool
    public let closedAt: Int64
    public let blockNumber: Int64
    /// The position's open time (its lifecycle key).
    public let openedAt: Int64
    public let collateral: Int64
    public let notional: Int64
    /// Collateral-weighted entry price of the lots consumed.
    public let entryPrice: Int64
    public let exitPrice: Int64
    /// PnL from prices, before any fee.
    public let grossPnL: Int64
    /// The share of the opening fee carried by the collateral closed.
    public let openingFee: Int64
    /// Closing, rollover (borrow) and funding fees of this close.
    public let closeFees: Int64
    /// The funding part of `closeFees` (v2): positive paid, negative received.
    public let funding: Int64
    public let payout: Int64
    /// Clean PnL: payout − collateral closed − opening-fee share.
    public let netPnL: Int64
    /// For the completing close, the clean PnL of the whole position across its closes.
    public let positionNetPnL: Int64

    public var fees: Int64 { openingFee + closeFees }
    public var holdSeconds: Int64 { closedAt - openedAt }

    /// Chain order, the order every metric is computed in.
    public static func chainOrder(_ a: ClosedTrade, _ b: ClosedTrade) -> Bool {
        (a.closedAt, a.blockNumber, a.logIndex) < (b.closedAt, b.blockNumber, b.logIndex)
    }
}
