/// How the copy account's clean PnL is counted, the same for DRY and LIVE fills.
public enum CopyAccounting {
    /// The part of a position's opening fee a close carries: in proportion to the collateral it
    /// closes, all of what is left when it closes the rest (so the shares add up to the fee).
    public static func openingFeeShare(remainingFee: Int64, closing: Int64, remainingCollateral: Int64) -> Int64 {
        guard remainingCollateral > 0, closing < remainingCollateral else { return max(remainingFee, 0) }
        return mulDiv(remainingFee, closing, remainingCollateral)
    }

    /// A close's realized PnL net of every fee: what was paid out, less the collateral released
    /// and the opening fee's share.
    public static func netPnL(payout: Int64, closed collateral: Int64, openingFeeShare: Int64) -> Int64 {
        payout - collateral - openingFeeShare
    }
}
