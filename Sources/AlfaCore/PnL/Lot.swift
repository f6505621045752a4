/// Collateral opened at one price. A close consumes lots oldest first; a partial close
/// splits a lot, taking the same share of its opening fee.
public struct Lot: Sendable, Equatable {
    /// USDC × 1e6 still open.
    public var collateral: Int64
    /// The part of the opening fee (USDC × 1e6) not yet charged to a close.
    public var openingFee: Int64
    /// Price × 1e10.
    public let price: Int64
    /// Leverage × 1e10.
    public let leverage: Int64
    public let openedAt: Int64

    /// Takes `amount` of this lot's collateral and the same share of its opening fee; the
    /// fee's rounding remainder stays with the lot, so the whole fee is charged exactly once.
    mutating func take(_ amount: Int64) -> (collateral: Int64, openingFee: Int64) {
        let fee = amount == collateral ? openingFee : mulDiv(openingFee, amount, collateral)
        collateral -= amount
        openingFee -= fee
        return (amount, fee)
    }
}
