/// The DRY executor's fill: the leader's price moved against us by the configured slippage,
/// and the leader's own fee rates applied to our size. No chain, no signer.
public enum DryFillSimulator {
    public struct SimulatedFill: Sendable, Equatable {
        public var price: Int64
        /// Collateral opened (net of the opening fee) or closed, USDC × 1e6.
        public var collateral: Int64
        public var fee: Int64
        /// Gross PnL of a close at our prices, before any fee.
        public var grossPnL: Int64
        /// Realized net PnL of a close (gross at our prices, minus the closing fee and the
        /// share of the opening fee this close carries); 0 for an open.
        public var netPnL: Int64
        public var openingFeeReleased: Int64
    }

    /// Price after adverse slippage: buying (open long, close short) pays more, selling less.
    public static func slipped(_ price: Int64, buying: Bool, bps: Int64) -> Int64 {
        buying ? price + mulDiv(price, bps, 10_000) : price - mulDiv(price, bps, 10_000)
    }

    public static func open(_ order: CopyOpen, leader: Fill) -> SimulatedFill {
        let price = slipped(order.price, buying: order.isLong, bps: order.slippageBps)
        let notional = mulDiv(order.collateral, order.leverage, 10_000_000_000)
        let fee = leader.notional > 0 ? mulDiv(notional, leader.openingFee, leader.notional) : 0
        return SimulatedFill(price: price, collateral: order.collateral - fee, fee: fee, grossPnL: 0, netPnL: 0, openingFeeReleased: 0)
    }

    public static func close(_ order: CopyClose, leader: Fill, slippageBps: Int64) -> SimulatedFill {
        let position = order.position
        let price = slipped(order.price, buying: !position.isLong, bps: slippageBps)
        let fee = leader.collateral > 0 ? mulDiv(order.collateral, leader.closingFee + leader.rolloverFee + leader.fundingFee, leader.collateral) : 0
        let gross = grossPnL(collateral: order.collateral, leverage: position.leverage, entry: position.entryPrice,
                             exit: price, isLong: position.isLong)
        let openingFee = order.isFull ? position.remainingOpeningFee
            : CopyAccounting.openingFeeShare(remainingFee: position.remainingOpeningFee, closing: order.collateral,
                                             remainingCollateral: position.remainingCollateral)
        // A position cannot lose more than its collateral: the payout is never below zero.
        let payout = max(order.collateral + gross - fee, 0)
        let net = CopyAccounting.netPnL(payout: payout, closed: order.collateral, openingFeeShare: openingFee)
        return SimulatedFill(price: price, collateral: order.collateral, fee: fee, grossPnL: gross, netPnL: net,
                             openingFeeReleased: openingFee)
    }

    /// collateral × leverage × (exit − entry) / entry, signed by side; USDC × 1e6.
    public static func grossPnL(collateral: Int64, leverage: Int64, entry: Int64, exit: Int64, isLong: Bool) -> Int64 {
        guard entry > 0 else { return 0 }
        let move = Int128(exit - entry) * (isLong ? 1 : -1)
        return Int64(clamping: Int128(collateral) * Int128(leverage) * move / (Int128(entry) * 10_000_000_000))
    }
}
