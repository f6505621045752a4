import AlfaCore
import Testing

/// What a LIVE fill books on its copy order, worked by hand.
@Suite("LIVE fill figures")
struct LiveFillFiguresTests {
    static func fill(open: Bool, collateral: Int64, percentProfit: Int64 = 0, payout: Int64 = 0) -> RelayerEvent.Fill {
        RelayerEvent.Fill(orderID: "7", isOpen: open, price: 650_000_000_000_000, collateral: collateral, percentProfit: percentProfit,
                          payout: payout, tradeIndex: 2, openTimestamp: 1_790_000_000, transactionHash: nil)
    }

    @Test func anOpenBooksItsPriceSizeSlotOpenTimeAndOpeningFee() {
        let figures = LiveFillFigures(Self.fill(open: true, collateral: 100_000_000), fees: 600_000, closing: nil)
        #expect(figures == LiveFillFigures(Self.fill(open: true, collateral: 100_000_000), fees: 600_000, closing: nil))
        #expect(figures.price == 650_000_000_000_000 && figures.collateral == 100_000_000 && figures.fee == 600_000)
        #expect(figures.tradeIndex == 2 && figures.openTimestamp == 1_790_000_000)
        #expect(figures.grossPnL == 0 && figures.netPnL == 0 && figures.openingFeeShare == 0)
    }

    @Test func aPartialCloseCarriesItsShareOfTheOpeningFee() {
        // A quarter of a 100 USDC position closed at +10 % × 10 (percentProfit 100 % = 1e12):
        // gross 25 USDC; paid out 25 + 25 − 0.5 closing fee = 49.5 USDC; a quarter of the 0.6 USDC opening fee.
        let close = Self.fill(open: false, collateral: 25_000_000, percentProfit: 1_000_000_000_000, payout: 49_500_000)
        let figures = LiveFillFigures(close, fees: 500_000,
                                      closing: .init(remainingOpeningFee: 600_000, remainingCollateral: 100_000_000))
        #expect(figures.grossPnL == 25_000_000)
        #expect(figures.openingFeeShare == 150_000)
        #expect(figures.netPnL == 49_500_000 - 25_000_000 - 150_000)
        #expect(figures.fee == 500_000)
    }

    @Test func closingTheRestTakesAllTheFeeThatIsLeft() {
        let close = Self.fill(open: false, collateral: 75_000_000, percentProfit: -200_000_000_000, payout: 60_000_000)
        let figures = LiveFillFigures(close, fees: 0, closing: .init(remainingOpeningFee: 450_000, remainingCollateral: 75_000_000))
        #expect(figures.openingFeeShare == 450_000 && figures.grossPnL == -15_000_000)
        #expect(figures.netPnL == 60_000_000 - 75_000_000 - 450_000)
    }

    @Test func ourIndexedFillReadsAsTheRelayersWord() {
        let ours = Fill(blockNumber: 9, blockHash: .zero, blockTime: 1_790_000_100, txHash: .zero, logIndex: 1, eventGeneration: "v2",
                        trader: EVMAddress(hex: "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23")!, pairIndex: 1, tradeIndex: 2,
                        openTime: 1_790_000_000, kind: .close, orderType: .market, isLong: true, price: 700_000_000_000_000,
                        leverage: 100_000_000_000, collateral: 25_000_000, positionCollateral: 100_000_000, percentProfit: 5,
                        payout: 30_000_000, openingFee: 0, closingFee: 1, rolloverFee: 2, orderID: 1_001)
        let fill = RelayerEvent.Fill(ours: ours)
        #expect(fill.orderID == "1001" && !fill.isOpen && fill.price == 700_000_000_000_000 && fill.collateral == 25_000_000)
        #expect(fill.payout == 30_000_000 && fill.percentProfit == 5 && fill.tradeIndex == 2 && fill.openTimestamp == 1_790_000_000)
    }
}
