import AlfaCore
import Testing

/// Open positions valued at a mark, worked by hand against the Avantis SDK's formulas
/// (compute/pnl.py, compute/liquidation.py).
@Suite("Position valuation: unrealized PnL and liquidation")
struct PositionValuationTests {
    static let open: Int64 = 650_000_000_000_000  // 65,000 × 1e10

    @Test func aLongUpTenPercentAtTenTimesDoublesItsCollateralLessTheClosingFee() {
        // 100 USDC at 10×: notional 1,000 USDC. Mark +10 %: gross +100 USDC. Closing fee 0.06 % of
        // (1,000 + 100) = 0.66 USDC; rollover 0.2, funding 0.1: net 99.04 USDC.
        let position = PositionValuation.Position(isLong: true, openPrice: Self.open, collateral: 100_000_000,
                                                  leverage: 100_000_000_000, rolloverFee: 200_000, fundingFee: 100_000)
        let value = PositionValuation(position, mark: Self.open + Self.open / 10, closeFeePercent: 600_000_000)
        #expect(value.gross == 100_000_000)
        #expect(value.closingFee == 660_000)
        #expect(value.net == 100_000_000 - 660_000 - 200_000 - 100_000)
        // Liquidation: open × (85 − 0.2 − 0.1) / 1,000 below the open: 65,000 × 0.0847 = 5,505.5 below.
        #expect(value.liquidationPrice == Self.open - 55_055_000_000_000)
        #expect(value.liquidationDistanceBps == 1_679)  // (71,500 − 59,494.5) / 71,500 = 16.79 %
    }

    @Test func aShortLosesWhenThePriceRisesAndIsLiquidatedAbove() {
        let position = PositionValuation.Position(isLong: false, openPrice: Self.open, collateral: 100_000_000, leverage: 200_000_000_000)
        let value = PositionValuation(position, mark: Self.open + Self.open / 100)
        #expect(value.gross == -20_000_000)  // +1 % against a 2,000 USDC short
        #expect(value.net == -20_000_000 && value.closingFee == 0)
        // 85 USDC of 2,000 notional: 4.25 % above the open.
        #expect(value.liquidationPrice == Self.open + Self.open * 425 / 10_000)
        #expect(value.liquidationDistanceBps == 321)  // (67,762.5 − 65,650) / 65,650 = 3.218 %, truncated
    }

    @Test func pastTheLiquidationPriceTheDistanceIsNegative() {
        let position = PositionValuation.Position(isLong: true, openPrice: Self.open, collateral: 100_000_000, leverage: 500_000_000_000)
        // 50×: liquidation 1.7 % below the open; the mark is 2 % below.
        let value = PositionValuation(position, mark: Self.open - Self.open / 50)
        #expect(value.liquidationPrice == Self.open - Self.open * 17 / 1_000)
        #expect(value.liquidationDistanceBps < 0)
        #expect(value.gross == -100_000_000)
    }

    @Test func anEmptyOrPricelessPositionIsWorthNothingAndNeverDividesByZero() {
        let empty = PositionValuation(.init(isLong: true, openPrice: Self.open, collateral: 0, leverage: 0), mark: Self.open)
        #expect(empty.gross == 0 && empty.net == 0 && empty.liquidationPrice == Self.open)
        let priceless = PositionValuation(.init(isLong: true, openPrice: 0, collateral: 1, leverage: 10_000_000_000), mark: 0)
        #expect(priceless.gross == 0 && priceless.liquidationDistanceBps == 0)
    }
}
