import AlfaCore
import Testing

@Suite("Our own stop-loss and take-profit")
struct CopyExitsTests {
    static let open: Int64 = 650_000_000_000_000  // 65,000
    static let ten: Int64 = 100_000_000_000      // 10×

    @Test(arguments: [
        // (long, leverage, SL bps, TP bps, stop-loss, take-profit): 50 % of the collateral at 10× is 5 % of the price.
        (true, ten, 5_000, 10_000, 617_500_000_000_000, 715_000_000_000_000),
        (false, ten, 5_000, 10_000, 682_500_000_000_000, 585_000_000_000_000),
        (true, 2 * ten, 2_000, nil, 643_500_000_000_000, nil),  // 20 % at 20×: 1 %
    ] as [(Bool, Int64, Int64?, Int64?, Int64?, Int64?)])
    func exitsArePricesWhereThatShareOfTheCollateralIsLostOrWon(long: Bool, leverage: Int64, sl: Int64?, tp: Int64?,
                                                                stopLoss: Int64?, takeProfit: Int64?) {
        let exits = CopyExits(open: Self.open, isLong: long, leverage: leverage, stopLossBps: sl, takeProfitBps: tp)
        #expect(exits == CopyExits(stopLoss: stopLoss, takeProfit: takeProfit))
    }

    @Test func aMarkHitsTheStopLossFirstThenTheTakeProfitOnEitherSide() {
        let long = CopyExits(open: Self.open, isLong: true, leverage: Self.ten, stopLossBps: 5_000, takeProfitBps: 10_000)
        #expect(long.hit(mark: 617_500_000_000_000, isLong: true) == .stopLoss)
        #expect(long.hit(mark: 600_000_000_000_000, isLong: true) == .stopLoss)
        #expect(long.hit(mark: 650_000_000_000_000, isLong: true) == nil)
        #expect(long.hit(mark: 715_000_000_000_000, isLong: true) == .takeProfit)
        let short = CopyExits(open: Self.open, isLong: false, leverage: Self.ten, stopLossBps: 5_000, takeProfitBps: nil)
        #expect(short.hit(mark: 690_000_000_000_000, isLong: false) == .stopLoss)
        #expect(short.hit(mark: 500_000_000_000_000, isLong: false) == nil)
        #expect(CopyExits().hit(mark: 1, isLong: true) == nil)
        #expect(CopyExits(open: Self.open, isLong: true, leverage: 0, stopLossBps: 5_000, takeProfitBps: nil).stopLoss == Self.open)
    }
}
