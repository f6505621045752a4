import AlfaCore
import Testing

@Suite("Backtest: a leader's fills through the planner and the DRY fill model")
struct BacktestTests {
    static let leader = EVMAddress(hex: "0x00000000000000000000000000000000000b0b00")!
    static let e10: Int64 = 10_000_000_000

    static func fill(_ kind: FillKind, pair: Int32, at time: Int64, openTime: Int64, long: Bool, price: Int64, leverage: Int64,
                     collateral: Int64, openingFee: Int64 = 0, closingFee: Int64 = 0) -> Fill {
        Fill(blockNumber: time, blockHash: .zero, blockTime: time, txHash: .zero, logIndex: 0, eventGeneration: "v2", trader: leader,
             pairIndex: pair, tradeIndex: 0, openTime: openTime, kind: kind, orderType: .market, isLong: long, price: price,
             leverage: leverage, collateral: collateral, positionCollateral: collateral, percentProfit: 0, payout: 0,
             openingFee: openingFee, closingFee: closingFee, rolloverFee: 0, orderID: 1)
    }

    /// Worked by hand (docs/telegram.md, "Backtests"): 100 USDC per copy, leverage capped at 10×,
    /// 0.5 % slippage, our stop-loss at 50 % of the collateral.
    @Test func aSmallCaseEqualsTheHandComputedOne() throws {
        let settings = CopyPolicy.defaults { $0.stopLossBps = 5_000 }
        let fills = [
            // BTC long at 100, 20×, 1,000 USDC, fee 8 (0.04 % of 20,000): ours 100 USDC at 10×, fee 0.40, at 100.50.
            Self.fill(.open, pair: 1, at: 1_000, openTime: 1_000, long: true, price: 100 * Self.e10, leverage: 20 * Self.e10,
                      collateral: 1_000_000_000, openingFee: 8_000_000),
            // Closed at 110 with a 10 USDC fee (1 %): ours sold at 109.45, fee 0.996.
            Self.fill(.close, pair: 1, at: 2_000, openTime: 1_000, long: true, price: 110 * Self.e10, leverage: 20 * Self.e10,
                      collateral: 1_000_000_000, closingFee: 10_000_000),
            // A short at 50, 10×, 500 USDC, fee 5 (0.1 %): ours fee 1.00 at 49.75, stop-loss at 52.50.
            Self.fill(.open, pair: 2, at: 3_000, openTime: 3_000, long: false, price: 50 * Self.e10, leverage: 10 * Self.e10,
                      collateral: 500_000_000, openingFee: 5_000_000),
            // The leader closes after our stop-loss did: nothing of ours is left to close.
            Self.fill(.close, pair: 2, at: 4_000, openTime: 3_000, long: false, price: 51 * Self.e10, leverage: 10 * Self.e10,
                      collateral: 500_000_000),
        ]
        let bars = [
            PriceBar(pairIndex: 1, time: 1_500, low: 96 * Self.e10, high: 104 * Self.e10, close: 99 * Self.e10),  // above the long's stop at 95
            PriceBar(pairIndex: 2, time: 3_060, low: 50 * Self.e10, high: 53 * Self.e10, close: 52 * Self.e10),   // through the short's stop at 52.5
        ]
        let result = Backtester.run(leader: Self.leader, fills: fills, bars: bars, settings: settings, from: nil, until: 5_000)
        // Long: gross 99.6 × 10 × (109.45 − 100.50) / 100.50 = 88.698507; payout 99.6 + 88.698507 − 0.996;
        // clean = payout − 99.6 − 0.40 = 87.302507.
        // Short: stopped at 52.5, bought at 52.7625: gross 99 × 10 × (49.75 − 52.7625) / 49.75 = −59.947236;
        // clean = 99 − 59.947236 − 99 − 1.00 = −60.947236.
        #expect(result.closes == [RealizedClose(time: 2_000, pnl: 87_302_507), RealizedClose(time: 3_119, pnl: -60_947_236)])
        #expect(result.realizedPnL == 26_355_271)
        #expect(result.fees == 400_000 + 996_000 + 1_000_000)
        #expect(result.maxDrawdown == -60_947_236)
        #expect(result.winRate == 0.5 && result.exits == 1 && result.opens == 2 && result.mirroredCloses == 1)
        #expect(result.signals == 4 && result.skipped == ["no mirrored position to close": 1] && result.openAtEnd == 0)
        #expect(result.chart.points.map(\.equity) == [0, 87_302_507, 26_355_271, 26_355_271])
    }

    @Test func theLeadersOwnSettingsAndTheWindowApply() throws {
        let settings = CopyPolicy.defaults
        var overrides = LeaderSettings()
        overrides.pairs = .except([2])
        let fills = [
            Self.fill(.open, pair: 2, at: 1_000, openTime: 1_000, long: true, price: 50 * Self.e10, leverage: 5 * Self.e10, collateral: 100_000_000),
            Self.fill(.open, pair: 1, at: 2_000, openTime: 2_000, long: true, price: 50 * Self.e10, leverage: 5 * Self.e10, collateral: 100_000_000),
            Self.fill(.open, pair: 1, at: 9_000, openTime: 9_000, long: true, price: 50 * Self.e10, leverage: 5 * Self.e10, collateral: 100_000_000),
        ]
        // The last minute's close values what is still open: 100 USDC at 5× from 50.25 (after slippage) to 55.
        let bars = [PriceBar(pairIndex: 1, time: 3_000, low: 54 * Self.e10, high: 56 * Self.e10, close: 55 * Self.e10)]
        let result = Backtester.run(leader: Self.leader, fills: fills, bars: bars, settings: settings, overrides: overrides, from: 500, until: 5_000)
        #expect(result.unrealized == 47_263_681)
        #expect(result.signals == 2 && result.opens == 1 && result.skipped.values.reduce(0, +) == 1)
        #expect(result.skipped.keys.first == "SOL/USD is not copied from this leader (/copy set pairs=…)")
        #expect(result.openAtEnd == 1 && result.html(window: "30d").contains("Still open: 1"))
    }
}
