@testable import AlfaCore
import Testing

@Suite("Metrics, copyability score and leaderboard")
struct LeaderboardTests {
    static let day: Int64 = 86_400
    static let now: Int64 = 20_000 * day + 12 * 3600   // a noon, far from the epoch
    let usdc = FillFactory.usdc
    let price = FillFactory.price

    /// A trader who closes `wins` winners and `losses` losers, one position a day (or
    /// `perDay` a day), each held an hour, ending `idleHours` before `now`.
    static func trader(_ id: UInt8, wins: Int, losses: Int, perDay: Int = 1, idleHours: Int64 = 1,
                       collateral: Int64 = 5_000 * FillFactory.usdc, winMove: Int64 = 2, lossMove: Int64 = 1) -> [Fill] {
        var f = FillFactory(trader: id)
        var fills: [Fill] = []
        let count = wins + losses
        var random = SeededRandom(seed: UInt64(id))
        var outcomes = Array(repeating: true, count: wins) + Array(repeating: false, count: losses)
        outcomes.shuffle(using: &random)
        for (index, isWin) in outcomes.enumerated() {
            let daysBack = Int64((count - 1 - index) / perDay)
            let closeTime = now - idleHours * 3600 - daysBack * day - Int64(index % perDay) * 60
            let openTime = closeTime - 3600
            let exit = isWin ? FillFactory.price * (100 + winMove) / 100 : FillFactory.price * (100 - lossMove) / 100
            fills.append(f.open(slot: Int32(index % 3), at: openTime, collateral: collateral, fee: collateral / 1_000))
            fills.append(f.close(slot: Int32(index % 3), openTime: openTime, at: closeTime, collateral: collateral, exit: exit,
                                 closingFee: collateral / 1_000))
        }
        return fills.sorted { ($0.blockTime, $0.logIndex) < ($1.blockTime, $1.logIndex) }
    }

    static let gates = EligibilityGates(minTrades30d: 10, minVolume30d: 100_000 * FillFactory.usdc, activeHours: 72)

    private func metrics(_ fills: [Fill], _ window: TimeWindow = .thirtyDays, asOf: Int64 = now) -> TraderMetrics {
        var history = TraderHistory(trader: fills[0].trader)
        fills.forEach { history.apply($0) }
        return TraderMetrics(history: history, window: window, asOf: asOf)
    }

    private func score(_ m: TraderMetrics, asOf: Int64 = now) -> Double {
        CopyabilityScore(metrics: m, asOf: asOf, activeHours: 72).value
    }

    @Test func metricsOfAKnownHistory() throws {
        var f = FillFactory(trader: 1)
        let t0 = Self.now - 10 * Self.day
        let fills = [
            f.open(at: t0, collateral: 100 * usdc, fee: usdc),                                       // long 10×
            f.close(.partialClose, openTime: t0, at: t0 + 30, collateral: 50 * usdc, exit: price * 11 / 10), // +50
            f.close(.takeProfit, openTime: t0, at: t0 + 7_200, collateral: 50 * usdc, exit: price * 12 / 10), // +100
            f.open(slot: 1, at: t0 + Self.day, collateral: 200 * usdc, leverage: 20 * FillFactory.x),
            f.close(.liquidation, slot: 1, openTime: t0 + Self.day, at: t0 + Self.day + 600, collateral: 200 * usdc,
                    exit: price * 95 / 100, leverage: 20 * FillFactory.x, payout: 0),                 // −200
        ]
        let m = metrics(fills)
        #expect(m.cleanPnL == 50 * usdc + 100 * usdc - usdc - 200 * usdc)
        #expect(m.trades == 2)
        #expect(m.wins == 1)
        #expect(m.winRate == 0.5)
        #expect(m.closes == 3)
        #expect(m.liquidations == 1)
        #expect(m.volume == 1_000 * usdc + 500 * usdc + 500 * usdc + 4_000 * usdc + 4_000 * usdc)
        #expect(m.peakCollateral == 200 * usdc)
        #expect(m.maxDrawdown == 200 * usdc)                  // from +149 to −51
        #expect(m.maxDrawdownPct == 1.0)
        #expect(m.medianHoldSeconds == Int64(3_900))        // (7,200 + 600) / 2
        #expect(m.averageLeverage == 15)
        #expect(m.maxLeverage == 20)
        #expect(m.profitFactor == 149.0 / 200.0)
        #expect(m.expectancy == (149 * usdc - 200 * usdc) / 2)
        #expect(m.activeDays == 2)
        #expect(m.lastTradeTime == t0 + Self.day + 600)
        // Ten days ago is outside the 7-day window.
        let week = metrics(fills, .sevenDays)
        #expect(week.trades == 0 && week.cleanPnL == 0 && week.volume == 0)
        #expect(metrics(fills, .all).cleanPnL == m.cleanPnL)
    }

    @Test func moreDrawdownNeverRaisesTheScore() {
        let base = metrics(Self.trader(2, wins: 40, losses: 20))
        var previous = Double.infinity
        for drawdown in stride(from: 0.0, through: 2.0, by: 0.05) {
            let value = score(base.with(maxDrawdownPct: drawdown))
            #expect(value <= previous)
            previous = value
        }
    }

    @Test func threeLuckyWinsRankBelowSixtyWinsOutOfEighty() {
        let lucky = metrics(Self.trader(3, wins: 3, losses: 0, winMove: 20))
        let steady = metrics(Self.trader(4, wins: 60, losses: 20, perDay: 3))
        #expect(lucky.winRate == 1 && steady.winRate == 0.75)
        #expect(score(lucky) < score(steady))
    }

    @Test func anUncertainRecordRanksBelowTheSameRecordReadWhole() {
        var engine = LeaderboardEngine()
        engine.apply(Self.trader(8, wins: 40, losses: 10))
        engine.apply(Self.trader(9, wins: 30, losses: 15))
        let clear = engine.snapshot(asOf: Self.now, gates: Self.gates)
        #expect(clear.rows[.thirtyDays]?.map(\.trader.bytes.first) == [8, 9])
        let best = EVMAddress(bytes: [UInt8](repeating: 8, count: 20))!
        let doubted = engine.snapshot(asOf: Self.now, gates: Self.gates, uncertain: [best])
        #expect(doubted.rows[.thirtyDays]?.first { $0.trader == best }?.score
                == clear.rows[.thirtyDays]!.first!.score * CopyabilityScore.uncertainRecordFactor)
        // Halved, the better record falls below the weaker one alfa reads whole.
        #expect(doubted.rows[.thirtyDays]?.map(\.trader.bytes.first) == [9, 8])
    }

    @Test func aDormantTraderIsExcluded() {
        var engine = LeaderboardEngine()
        engine.apply(Self.trader(5, wins: 30, losses: 10, idleHours: 100))
        engine.apply(Self.trader(6, wins: 30, losses: 10, idleHours: 2))
        let snapshot = engine.snapshot(asOf: Self.now, gates: Self.gates)
        #expect(snapshot.rows[.thirtyDays]?.map(\.trader.bytes.first) == [6])
        let dormant = engine.metrics(of: EVMAddress(bytes: [UInt8](repeating: 5, count: 20))!, asOf: Self.now)![.thirtyDays]!
        #expect(Self.gates.reasons(thirtyDays: dormant, asOf: Self.now) == ["last trade 100 hours ago, within 72 needed"])
    }

    /// Found measuring `alfa serve` on the local EVM, whose blocks are stamped up to a minute
    /// ahead of the wall clock: a fill stamped after the refresh that first saw it stayed out of
    /// the cached metrics until the trader traded again.
    @Test func aFillStampedAfterTheRefreshCountsOnceItsTimeComes() {
        var engine = LeaderboardEngine()
        let fills = Self.trader(3, wins: 30, losses: 10, idleHours: 2)
        let trader = fills[0].trader
        var f = FillFactory(trader: 3)
        f.block = 1_000_000
        let collateral = 5_000 * usdc
        // The last close lands 30 s after the first refresh's moment: its block time is ahead of our clock.
        let open = f.open(slot: 7, at: Self.now - 600, collateral: collateral)
        let close = f.close(slot: 7, openTime: open.openTime, at: Self.now + 30, collateral: collateral, exit: price * 2)
        engine.apply(fills + [open, close])
        let before = engine.metrics(of: trader, asOf: Self.now)![.thirtyDays]!
        #expect(before.validUntil == Self.now + 30)
        // No new fill, only time: at the close's time the cache expires and the close counts.
        let after = engine.metrics(of: trader, asOf: Self.now + 30)![.thirtyDays]!
        #expect(after.closes == before.closes + 1 && after.cleanPnL == before.cleanPnL + close.netPnL)
        for window in TimeWindow.allCases {
            let cached = engine.metrics(of: trader, asOf: Self.now + 60)![window]!
            var fresh = LeaderboardEngine()
            fresh.apply(fills + [open, close])
            #expect(cached == fresh.metrics(of: trader, asOf: Self.now + 60)![window]!, "\(window)")
        }
    }

    @Test func smallOrIdleTradersAreToldWhy() {
        let m = metrics(Self.trader(7, wins: 2, losses: 1, collateral: 100 * usdc))
        #expect(Self.gates.reasons(thirtyDays: m, asOf: Self.now) == [
            "3 trades in 30 days, 10 needed",
            "volume 6,000 USD in 30 days, 100,000 needed",
        ])
    }

    @Test func equalInputsGiveEqualScores() {
        let fills = Self.trader(8, wins: 25, losses: 15)
        let twin = EVMAddress(bytes: [UInt8](repeating: 9, count: 20))!
        let a = metrics(fills)
        let b = metrics(fills.map { fill in
            var copy = fill
            copy.trader = twin
            return copy
        })
        #expect(score(a) == score(b))
        #expect(score(a) == score(a))
    }

    @Test func theScoreIsStableWhenAHistoryIsReplayedInAnotherOrder() {
        let fills = Self.trader(10, wins: 30, losses: 12, perDay: 2)
        // Keep each position's own order, interleave positions differently.
        var random = SeededRandom(seed: 99)
        var byPosition = Dictionary(grouping: fills, by: \.positionKey).values.map { $0 }
        byPosition.shuffle(using: &random)
        let replayed = byPosition.flatMap { $0 }
        let original = metrics(fills)
        let shuffled = metrics(replayed)
        #expect(original == shuffled)
        #expect(score(original) == score(shuffled))
        for window in TimeWindow.allCases { #expect(metrics(fills, window) == metrics(replayed, window)) }
    }

    @Test func theScoreStaysBetweenZeroAndOneHundred() {
        for (id, wins, losses) in [(11, 0, 40), (12, 40, 0), (13, 1, 1), (14, 100, 3)] {
            let value = score(metrics(Self.trader(UInt8(id), wins: wins, losses: losses, perDay: 4)))
            #expect(value >= 0 && value <= 100)
        }
    }

    @Test func anIncrementalRefreshEqualsAFullRecompute() {
        var everyone: [Fill] = []
        for id in 20..<40 {
            everyone += Self.trader(UInt8(id), wins: 10 + id % 7, losses: 5 + id % 5, perDay: 2)
        }
        everyone.sort { a, b in (a.blockTime, a.logIndex) < (b.blockTime, b.logIndex) }
        let cut = everyone.count * 2 / 3
        var incremental = LeaderboardEngine()
        incremental.apply(Array(everyone[..<cut]))
        _ = incremental.snapshot(asOf: Self.now - Self.day, gates: Self.gates)
        incremental.apply(Array(everyone[cut...]))
        let stepwise = incremental.snapshot(asOf: Self.now, gates: Self.gates)

        var full = LeaderboardEngine()
        full.apply(everyone)
        let once = full.snapshot(asOf: Self.now, gates: Self.gates)
        for window in TimeWindow.allCases {
            #expect(stepwise.rows[window] == once.rows[window])
            #expect((once.rows[window] ?? []).count == once.eligible)
        }
        #expect(once.eligible > 0)
    }

    @Test func cachedMetricsExpireWhenTheWindowSlidesPastAnEvent() {
        var engine = LeaderboardEngine()
        let fills = Self.trader(41, wins: 5, losses: 0)   // the last five days
        engine.apply(fills)
        let trader = fills[0].trader
        #expect(engine.metrics(of: trader, asOf: Self.now)![.sevenDays]!.trades == 5)
        #expect(engine.metrics(of: trader, asOf: Self.now + 3 * Self.day)![.sevenDays]!.trades == 4)
        #expect(engine.metrics(of: trader, asOf: Self.now + 10 * Self.day)![.sevenDays]!.trades == 0)
        #expect(engine.metrics(of: trader, asOf: Self.now + 10 * Self.day)![.all]!.trades == 5)
    }

    @Test func theChatTableIsCompactAndAligned() {
        var engine = LeaderboardEngine()
        for id in 50..<56 { engine.apply(Self.trader(UInt8(id), wins: 20 + id % 4, losses: 10, perDay: 2)) }
        let snapshot = engine.snapshot(asOf: Self.now, gates: Self.gates)
        let rows = snapshot.rows[.thirtyDays]!
        let html = LeaderboardText.table(rows[...], window: .thirtyDays, asOf: Self.now, eligible: snapshot.eligible, style: .telegramHTML)
        #expect(html.hasPrefix("<b>Top 6 · 30d · 6 eligible · "))
        #expect(html.contains("<pre>") && html.hasSuffix("</pre>"))
        let plain = LeaderboardText.table(rows[...], window: .thirtyDays, asOf: Self.now, eligible: 6, style: .plain)
        let lines = plain.split(separator: "\n").dropFirst()
        #expect(lines.count == 7)
        #expect(Set(lines.map(\.count)).count == 1)           // aligned columns
        #expect(lines.allSatisfy { $0.count <= 40 })          // fits a phone
        #expect(lines.dropFirst().first?.hasPrefix("  1 0x") == true)
        #expect(lines.dropFirst().allSatisfy { $0.contains("…") })
        #expect(lines.dropFirst().allSatisfy { $0.contains("+") })
    }

    @Test func moneyIsRoundedOnlyForDisplayHalfAwayFromZero() {
        #expect(FixedPoint.display(1_234_565_000) == "1,234.57")
        #expect(FixedPoint.display(-1_234_565_000) == "-1,234.57")
        #expect(FixedPoint.display(1_234_564_999) == "1,234.56")
        #expect(FixedPoint.display(5_000, signed: true) == "+0.01")
        #expect(FixedPoint.display(4_999, signed: true) == "0.00")
        #expect(FixedPoint.display(999_999_999_999, decimals: 0) == "1,000,000")
        #expect(FixedPoint.display(Int64.min, decimals: 0) == "-9,223,372,036,855")
    }
}

extension TraderMetrics {
    func with(maxDrawdownPct: Double) -> TraderMetrics {
        TraderMetrics(trader: trader, window: window, cleanPnL: cleanPnL, grossPnL: grossPnL, fees: fees, closes: closes,
                      trades: trades, wins: wins, volume: volume, profitFactor: profitFactor, expectancy: expectancy,
                      maxDrawdown: maxDrawdown, maxDrawdownPct: maxDrawdownPct, peakCollateral: peakCollateral,
                      returnOnPeakCollateral: returnOnPeakCollateral, sharpe: sharpe, probabilisticSharpe: probabilisticSharpe,
                      averageLeverage: averageLeverage, maxLeverage: maxLeverage, liquidations: liquidations,
                      medianHoldSeconds: medianHoldSeconds, shortHoldShare: shortHoldShare, activeDays: activeDays,
                      activeWeeks: activeWeeks, positiveWeeks: positiveWeeks, lastTradeTime: lastTradeTime,
                      payoutMismatches: payoutMismatches, validUntil: validUntil)
    }
}

@Suite("Scoring formula as documented")
struct ScoringDocumentationTests {
    /// The worked example of docs/scoring.md: if this fails, fix the document or the code.
    @Test func theWorkedExampleScoresAsDocumented() {
        let asOf: Int64 = 1_763_712_000
        let metrics = TraderMetrics(
            trader: EVMAddress(bytes: [UInt8](repeating: 0xab, count: 20))!, window: .thirtyDays, cleanPnL: 4_200_000_000,
            grossPnL: 4_600_000_000, fees: 400_000_000, closes: 44, trades: 40, wins: 26, volume: 900_000_000_000,
            profitFactor: 1.9, expectancy: 105_000_000, maxDrawdown: 1_200_000_000, maxDrawdownPct: 0.12,
            peakCollateral: 10_000_000_000, returnOnPeakCollateral: 0.42, sharpe: 0.35, probabilisticSharpe: 0.90,
            averageLeverage: 15, maxLeverage: 25, liquidations: 1, medianHoldSeconds: 5_400, shortHoldShare: 0.05,
            activeDays: 18, activeWeeks: 4, positiveWeeks: 3, lastTradeTime: asOf - 6 * 3600, payoutMismatches: 0,
            validUntil: nil)
        let score = CopyabilityScore(metrics: metrics, asOf: asOf, activeHours: 72)
        #expect(abs(score.riskAdjusted - 0.90) < 0.0001)
        #expect(abs(score.winRate - 0.4951) < 0.0001)
        #expect(abs(score.drawdown - 0.6977) < 0.0001)
        #expect(abs(score.consistency - 0.6667) < 0.0001)
        #expect(abs(score.quality - 0.7117) < 0.0001)
        #expect(score.sampleSize == 1)
        #expect(abs(score.leverage - 0.8444) < 0.0001)
        #expect(abs(score.copyability - 0.95) < 0.0001)
        #expect(abs(score.recency - 0.9592) < 0.0001)
        #expect(abs(score.value - 54.76) < 0.01)
    }
}
