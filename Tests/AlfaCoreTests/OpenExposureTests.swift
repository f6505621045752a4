@testable import AlfaCore
import Foundation
import Testing

@Suite("Open positions at marks on the leaderboard: unrealized PnL, open risk, losses kept open")
struct OpenExposureTests {
    static let day: Int64 = 86_400
    static let now: Int64 = 20_000 * day + 12 * 3600
    static let usdc = FillFactory.usdc
    static let price = FillFactory.price
    static let gates = EligibilityGates(minTrades30d: 10, minVolume30d: 100_000 * FillFactory.usdc, activeHours: 72)

    /// Worked by hand: a long of 100 USDC at 10× from 1.00 marked at 0.95 is −50 (1,000 × −5 %);
    /// a short of 50 USDC at 5× from 1.00 marked at 0.90 is +25 (250 × 10 %).
    @Test func aHandWorkedExample() {
        var f = FillFactory(trader: 1)
        var book = PositionBook()
        _ = book.apply(f.open(pair: 0, at: Self.now - 3_600, collateral: 100 * Self.usdc))
        _ = book.apply(f.open(pair: 1, slot: 1, at: Self.now - 7_200, collateral: 50 * Self.usdc, leverage: 5 * FillFactory.x, isLong: false))
        let exposure = OpenExposure(book.openPositions, marks: [0: Self.price * 95 / 100, 1: Self.price * 90 / 100])
        #expect(exposure.unrealized == -25 * Self.usdc && exposure.hiddenLoss == 50 * Self.usdc && exposure.losers == 1)
        #expect(exposure.openCollateral == 150 * Self.usdc && exposure.losingCollateral == 100 * Self.usdc)
        #expect(exposure.openRisk(peakCollateral: 200 * Self.usdc) == 0.5)
        // 50 lost on positions of 75 USDC on average: exp(−3 × 50 / 75) = exp(−2).
        #expect(abs(exposure.hiddenLossFactor() - exp(-2)) < 1e-12)
        // A pair without a mark is open but not valued; nothing at a loss, nothing to discount.
        let unmarked = OpenExposure(book.openPositions, marks: [1: Self.price * 90 / 100])
        #expect(unmarked.unrealized == 25 * Self.usdc && unmarked.losers == 0 && unmarked.hiddenLossFactor() == 1)
        #expect(OpenExposure.none.openRisk(peakCollateral: 0) == 0)

        // The card's line: entry, mark, PnL, liquidation (85 % of 100 USDC at 10× is 8.5 % below 1.00), age.
        let long = book.openPositions.first { $0.isLong }!
        let line = ValuedPosition(long, mark: Mark(price: Self.price * 95 / 100, source: .pyth, publishedAt: Self.now - 2))
            .line(now: Self.now, maxAge: 60)
        #expect(line == "ETH/USD long 100 USDC ×10.0 entry 1.00 · mark 0.95 (pyth, 2 s old) · PnL -50.00 · liquidation 0.92 (3.7 % away) · open 1h 0m")
    }

    /// Two traders with the same winners and the same losers: one closes the losers, the other
    /// keeps them open at the same loss at the mark. Whatever the record, the one hiding them ranks
    /// below; without marks it would often rank above.
    @Test func aTraderHidingLosersRanksBelowOneWhoClosesThem() {
        var hidingWouldWin = 0
        for seed in UInt64(1)...200 {
            var random = SeededRandom(seed: seed)
            let wins = Int.random(in: 12...30, using: &random)
            let losses = Int.random(in: 1...8, using: &random)
            let lossMove = Int64.random(in: 1...6, using: &random)
            let winMove = Int64.random(in: 1...4, using: &random)
            let collateral = Int64.random(in: 2_000...8_000, using: &random) * Self.usdc
            var outcomes = Array(repeating: true, count: wins) + Array(repeating: false, count: losses)
            outcomes.shuffle(using: &random)
            var closer = FillFactory(trader: 1), hider = FillFactory(trader: 2)
            var fills: [Fill] = []
            for (index, isWin) in outcomes.enumerated() {
                let closeTime = Self.now - 3_600 - Int64(outcomes.count - 1 - index) * Self.day
                let openTime = closeTime - 3_600
                let slot = Int32(index)
                let exit = isWin ? Self.price * (100 + winMove) / 100 : Self.price * (100 - lossMove) / 100
                for trader in [1, 2] {
                    var f = trader == 1 ? closer : hider
                    fills.append(f.open(slot: slot, at: openTime, collateral: collateral, fee: collateral / 1_000))
                    if isWin || trader == 1 {
                        fills.append(f.close(slot: slot, openTime: openTime, at: closeTime, collateral: collateral, exit: exit,
                                             closingFee: collateral / 1_000))
                    }
                    if trader == 1 { closer = f } else { hider = f }
                }
            }
            var engine = LeaderboardEngine()
            engine.apply(fills.sorted { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) })
            let mark = Self.price * (100 - lossMove) / 100
            let ranked = engine.snapshot(asOf: Self.now, gates: Self.gates, marks: [0: mark]).rows[.thirtyDays]!
            let closes = closer.trader, hides = hider.trader
            let closerRow = ranked.first { $0.trader == closes }, hiderRow = ranked.first { $0.trader == hides }
            #expect(closerRow != nil && hiderRow != nil && closerRow!.rank < hiderRow!.rank,
                    "seed \(seed): \(wins) wins, \(losses) losses of \(lossMove) %: \(ranked.map { ($0.trader.short, $0.score) })")
            #expect(hiderRow?.unrealized == -Int64(losses) * collateral * 10 * lossMove / 100, "seed \(seed)")
            #expect(hiderRow.map { $0.openRisk > 0 } == true && closerRow?.openRisk == 0 && closerRow?.unrealized == 0)
            // Valued at nothing (marks far above) the hider's realized record alone looks better.
            let unvalued = engine.snapshot(asOf: Self.now, gates: Self.gates, marks: [0: Self.price * 2]).rows[.thirtyDays]!
            if unvalued.first(where: { $0.trader == hides })!.rank < unvalued.first(where: { $0.trader == closes })!.rank {
                hidingWouldWin += 1
            }
        }
        #expect(hidingWouldWin > 100, "the penalty must matter: without it the hider wins \(hidingWouldWin) of 200")
    }

    @Test func theEnginesFallbackMarkIsEachPairsLatestFill() {
        var f = FillFactory(trader: 3)
        var engine = LeaderboardEngine()
        engine.apply([f.open(pair: 4, at: Self.now - 100, collateral: Self.usdc, price: 5 * Self.price),
                      f.open(pair: 4, slot: 1, at: Self.now - 50, collateral: Self.usdc, price: 6 * Self.price),
                      f.open(pair: 2, slot: 2, at: Self.now - 10, collateral: Self.usdc, price: 7 * Self.price)])
        #expect(engine.lastFillPrices == [4: 6 * Self.price, 2: 7 * Self.price])
    }
}
