/// Our own stop-loss and take-profit on a copied open (`COPY_STOP_LOSS_PCT`,
/// `COPY_TAKE_PROFIT_PCT`), as prices × 1e10: where the position has lost (or gained) that
/// share of its collateral, i.e. moved that share divided by the leverage. Our leverage cap gives
/// us another liquidation price than the leader's: these are ours.
public struct CopyExits: Sendable, Equatable {
    public enum Hit: String, Sendable {
        case stopLoss = "stop-loss"
        case takeProfit = "take-profit"
    }

    public var stopLoss: Int64?
    public var takeProfit: Int64?

    public init(stopLoss: Int64? = nil, takeProfit: Int64? = nil) {
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
    }

    /// `…Bps`: the share of the collateral in basis points (50 % is 5,000); nil for none.
    public init(open: Int64, isLong: Bool, leverage: Int64, stopLossBps: Int64?, takeProfitBps: Int64?) {
        let direction: Int64 = isLong ? 1 : -1
        // A move of bps/10,000 of the collateral at leverage L is bps/10,000/L of the price.
        func move(_ bps: Int64) -> Int64 { leverage > 0 ? mulDiv(open, bps * 1_000_000, leverage) : 0 }
        stopLoss = stopLossBps.map { max(1, open - direction * move($0)) }
        takeProfit = takeProfitBps.map { max(1, open + direction * move($0)) }
    }

    /// Which exit a mark has reached, the stop-loss first.
    public func hit(mark: Int64, isLong: Bool) -> Hit? {
        if let stopLoss, isLong ? mark <= stopLoss : mark >= stopLoss { return .stopLoss }
        if let takeProfit, isLong ? mark >= takeProfit : mark <= takeProfit { return .takeProfit }
        return nil
    }
}
