@testable import AlfaCore
import Foundation
import Testing

/// The leaderboard's memory follows the last month, not the history: old events are sealed
/// into running totals, and the figures stay those of a full replay.
@Suite("Sealed histories, running moments and the hold sketch")
struct BoundedHistoryTests {
    static let day: Int64 = 86_400
    static let now: Int64 = 20_000 * day + 12 * 3600
    let usdc = FillFactory.usdc

    /// `days` days of trading for several traders, a few positions a day, some left open
    /// across days, some partially closed, ending an hour before `now`.
    static func history(traders: ClosedRange<UInt8>, days: Int64, seed: UInt64) -> [Fill] {
        var random = SeededRandom(seed: seed)
        var fills: [Fill] = []
        for id in traders {
            var f = FillFactory(trader: id)
            var slot: Int32 = 0
            for dayIndex in 0..<days {
                for _ in 0..<Int.random(in: 0...3, using: &random) {
                    slot += 1
                    let open = now - (days - dayIndex) * day + Int64.random(in: 0..<(day / 2), using: &random)
                    let hold = Int64.random(in: 5...(3 * day), using: &random)
                    let collateral = Int64.random(in: 50...5_000, using: &random) * FillFactory.usdc
                    let exit = FillFactory.price * Int64.random(in: 90...112, using: &random) / 100
                    fills.append(f.open(slot: slot, at: open, collateral: collateral, fee: collateral / 1_000))
                    let closeAt = min(open + hold, now - 3_600)
                    if Bool.random(using: &random) {
                        fills.append(f.close(.partialClose, slot: slot, openTime: open, at: open + hold / 3,
                                             collateral: collateral / 2, exit: exit, closingFee: collateral / 2_000))
                        fills.append(f.close(.takeProfit, slot: slot, openTime: open, at: closeAt,
                                             collateral: collateral - collateral / 2, exit: exit))
                    } else if closeAt > open {
                        fills.append(f.close(slot: slot, openTime: open, at: closeAt, collateral: collateral, exit: exit,
                                             closingFee: collateral / 1_000))
                    }
                }
            }
        }
        return fills.sorted { ($0.blockTime, $0.blockNumber, $0.logIndex) < ($1.blockTime, $1.blockNumber, $1.logIndex) }
    }

    /// Metrics of a history that never seals: the reference.
    static func unsealed(_ fills: [Fill], trader: EVMAddress, asOf: Int64) -> [TimeWindow: TraderMetrics] {
        var history = TraderHistory(trader: trader)
        for fill in fills where fill.trader == trader { history.apply(fill) }
        return Dictionary(uniqueKeysWithValues: TimeWindow.allCases.map { ($0, TraderMetrics(history: history, window: $0, asOf: asOf)) })
    }

    @Test func aSealedHistoryGivesTheFiguresOfAFullReplay() {
        let fills = Self.history(traders: 1...6, days: 200, seed: 3)
        var engine = LeaderboardEngine()
        // In pieces, refreshing between them, as the server does.
        for piece in stride(from: 0, to: fills.count, by: 997) {
            engine.apply(Array(fills[piece..<min(fills.count, piece + 997)]))
            _ = engine.snapshot(asOf: fills[min(fills.count, piece + 997) - 1].blockTime, gates: .init(minTrades30d: 1, minVolume30d: 0, activeHours: 72))
        }
        let traders = Set(fills.map(\.trader))
        for trader in traders {
            let sealed = engine.history(of: trader)!
            #expect(sealed.sealedCount > sealed.events.count, "most of 200 days is sealed")
            let ours = engine.metrics(of: trader, asOf: Self.now)!
            let reference = Self.unsealed(fills, trader: trader, asOf: Self.now)
            for window in TimeWindow.allCases { #expect(ours[window] == reference[window], "\(window)") }
        }
    }

    @Test func retainedEventsFollowTheLastMonthNotTheHistory() {
        let long = Self.history(traders: 1...4, days: 360, seed: 5)
        let short = Self.history(traders: 1...4, days: 60, seed: 5)
        var a = LeaderboardEngine(), b = LeaderboardEngine()
        a.apply(long)
        b.apply(short)
        _ = a.snapshot(asOf: Self.now, gates: .init(minTrades30d: 1, minVolume30d: 0, activeHours: 72))
        _ = b.snapshot(asOf: Self.now, gates: .init(minTrades30d: 1, minVolume30d: 0, activeHours: 72))
        // Six times the history, about the same events kept: those of the retention (plus what waits to be sealed in bulk).
        #expect(a.retainedEvents < long.count / 5)
        #expect(Double(a.retainedEvents) < Double(b.retainedEvents) * 1.5)
        let recent = long.filter { $0.blockTime >= Self.now - (LeaderboardEngine.retentionDays + 2) * Self.day }.count
        #expect(a.retainedEvents <= recent * 4 / 3 + 64)
    }

    @Test func aFillOlderThanTheSealedEventsAsksForAReplay() {
        let fills = Self.history(traders: 7...7, days: 100, seed: 9)
        var engine = LeaderboardEngine()
        engine.apply(fills)
        _ = engine.snapshot(asOf: Self.now, gates: .init(minTrades30d: 1, minVolume30d: 0, activeHours: 72))
        #expect(!engine.needsReplay)
        var f = FillFactory(trader: 7)
        f.block = 1
        engine.apply(f.open(slot: 999, at: Self.now - 90 * Self.day, collateral: 10 * usdc))
        #expect(engine.needsReplay)
    }

    @Test func theHoldMedianIsExactUpToItsLimitAndWithinOnePercentPast() {
        var random = SeededRandom(seed: 11)
        for count in [1, 2, 3, 100, HoldSketch.exactLimit, HoldSketch.exactLimit + 1, 5_000, 100_001] {
            var sketch = HoldSketch()
            var values: [Int64] = []
            for _ in 0..<count {
                // Heavy-tailed: seconds to weeks, a few zeros.
                let value = Int64.random(in: 0..<20, using: &random) == 0 ? 0 : Int64(exp(Double.random(in: 0...14, using: &random)))
                values.append(value)
                sketch.add(value)
            }
            let exact = Statistics.median(values)!
            let estimate = sketch.median!
            if count <= HoldSketch.exactLimit {
                #expect(estimate == exact, "\(count) holds")
            } else {
                #expect(abs(Double(estimate - exact)) <= Double(exact) * 0.01 + 1, "\(count) holds: \(estimate) against \(exact)")
            }
        }
        #expect(HoldSketch().median == nil)
    }

    @Test(arguments: [[1.0, 2, 3, 4, 5], [0, 0, 0, 7, -3, 0, 0, 2.5], [1, 1, 1], [100_000, -99_999, 3, 0.001]])
    func runningMomentsAgreeWithTwoPasses(values: [Double]) {
        let running = Moments(values)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        #expect(abs(running.mean - mean) <= 1e-9 * max(1, abs(mean)))
        #expect(abs(running.standardDeviation - variance.squareRoot()) <= 1e-9 * max(1, variance.squareRoot()))
        // Any split merged gives the same moments.
        for cut in 0...values.count {
            let merged = Moments(values[..<cut]).merged(with: Moments(values[cut...]))
            #expect(merged.count == values.count)
            #expect(abs(merged.sharpe - running.sharpe) <= 1e-9)
            #expect(abs(merged.shape.skewness - running.shape.skewness) <= 1e-9)
            #expect(abs(merged.shape.kurtosis - running.shape.kurtosis) <= 1e-9)
        }
        // A block of zeros is the same as zeros added one by one.
        var oneByOne = running
        for _ in 0..<5 { oneByOne.add(0) }
        let block = running.merged(with: .zeros(5))
        #expect(abs(oneByOne.sharpe - block.sharpe) <= 1e-12 && abs(oneByOne.probabilisticSharpe() - block.probabilisticSharpe()) <= 1e-12)
    }
}

@Suite("Trader numbers")
struct TraderNumbersTests {
    @Test func everyTraderKeepsTheNumberItGotFirstThroughGrowth() {
        var random = SeededRandom(seed: 21)
        let traders = (0..<5_000).map { _ in EVMAddress(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) })! }
        var table = TraderNumbers()
        for (index, trader) in traders.enumerated() {
            #expect(table.numberAdding(trader) == (index, true))
        }
        for (index, trader) in traders.enumerated().reversed() {
            #expect(table.number(of: trader) == index)
            #expect(table.numberAdding(trader) == (index, false))
        }
        #expect(table.count == 5_000)
        #expect(table.number(of: EVMAddress(bytes: [UInt8](repeating: 0xAB, count: 20))!) == nil)
        // Addresses alike in all but a byte still get numbers of their own.
        var alike = TraderNumbers()
        for byte in 0...255 {
            var bytes = [UInt8](repeating: 7, count: 20)
            bytes[19] = UInt8(byte)
            #expect(alike.numberAdding(EVMAddress(bytes: bytes)!).number == byte)
        }
    }
}
