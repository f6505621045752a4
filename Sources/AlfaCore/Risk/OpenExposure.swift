import Foundation

/// A trader's open positions valued at marks: what the leaderboard adds to the realized record
/// so that a trader who keeps losers open does not look better than one who closes them.
/// USDC × 1e6; gross PnL before closing fees (`PositionValuation.gross`).
public struct OpenExposure: Sendable, Equatable {
    /// Σ unrealized PnL of the positions with a mark.
    public var unrealized: Int64 = 0
    /// Collateral still open, valued or not.
    public var openCollateral: Int64 = 0
    /// Collateral of the positions at a loss at their marks.
    public var losingCollateral: Int64 = 0
    /// Σ of the losses of the positions at a loss (≥ 0).
    public var hiddenLoss: Int64 = 0
    /// Positions at a loss at their marks.
    public var losers = 0
    /// Positions open, valued or not.
    public var positions = 0

    public static let none = OpenExposure()

    public init() {}

    /// `marks`: price × 1e10 by pair; a position on a pair without one is counted open, not valued.
    public init(_ open: some Sequence<PositionBook.OpenPosition>, marks: [Int32: Int64]) {
        for position in open {
            let collateral = position.collateral
            openCollateral += collateral
            positions += 1
            guard let mark = marks[position.key.pairIndex] else { continue }
            let gross = position.lots.reduce(Int64(0)) { total, lot in
                total + PositionValuation(.init(isLong: position.isLong, openPrice: lot.price, collateral: lot.collateral,
                                                leverage: lot.leverage), mark: mark).gross
            }
            unrealized += gross
            if gross < 0 {
                losers += 1
                losingCollateral += collateral
                hiddenLoss += -gross
            }
        }
    }

    /// `open_risk`: the collateral of losing open positions as a share of `peakCollateral` (the
    /// most the trader had open at once in the window), or of what is open now if larger.
    public func openRisk(peakCollateral: Int64) -> Double {
        let base = max(peakCollateral, openCollateral)
        return base > 0 ? Double(losingCollateral) / Double(base) : 0
    }

    /// The score's factor H for losses kept open: exp(−3 × hidden loss / the average collateral
    /// of an open position), the drawdown component's curve applied to what is not yet realized.
    /// Measured per position, not against the peak: keeping more losers open raises the peak
    /// collateral and must not dilute their weight. 1 with none.
    public func hiddenLossFactor() -> Double {
        guard hiddenLoss > 0, openCollateral > 0, positions > 0 else { return 1 }
        return exp(-3 * Double(hiddenLoss) * Double(positions) / Double(openCollateral))
    }
}
