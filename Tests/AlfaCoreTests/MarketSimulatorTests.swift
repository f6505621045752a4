@testable import AlfaCore
import Foundation
import Testing

@Suite("Market simulator")
struct MarketSimulatorTests {
    static let start: Int64 = 1_800_000_000

    /// Two simulated days of 300 traders, with each trader's net PnL and fills by event.
    struct Day {
        var fills: [SimulatedFill] = []
        var netByTrader: [String: Int64] = [:]
        var simulator: MarketSimulator

        init(seed: UInt64 = 42, traders: Int = 300, minutes: Int = 2 * 1_440) {
            simulator = MarketSimulator(seed: seed, traderCount: traders)
            for minute in 0..<minutes {
                for fill in simulator.step(at: MarketSimulatorTests.start + Int64(minute) * 60) {
                    fills.append(fill)
                    let net = fill.open ? 0 : fill.usdcSentToTrader - fill.positionSizeUSDC
                    netByTrader[fill.trade.trader, default: 0] += net
                }
            }
        }

        func mean(_ style: SimulatedTrader.Style) -> Double {
            let members = simulator.traders.filter { $0.style == style }
            return Double(members.reduce(Int64(0)) { $0 + netByTrader[$1.address, default: 0] }) / Double(members.count) / 1e6
        }
    }

    @Test func theSameSeedReplaysTheSameMarketAndAnotherSeedDoesNot() {
        let a = Day(minutes: 600), b = Day(minutes: 600), c = Day(seed: 7, minutes: 600)
        #expect(a.fills == b.fills)
        #expect(!a.fills.isEmpty && a.fills != c.fills)
    }

    @Test func aSavedStateResumesExactlyWhereItStopped() throws {
        var straight = MarketSimulator(seed: 9, traderCount: 100)
        var resumed = MarketSimulator(seed: 9, traderCount: 100)
        for minute in 0..<300 {
            _ = straight.step(at: Self.start + Int64(minute) * 60)
            _ = resumed.step(at: Self.start + Int64(minute) * 60)
        }
        resumed = try JSONDecoder().decode(MarketSimulator.self, from: JSONEncoder().encode(resumed))
        for minute in 300..<600 {
            let t = Self.start + Int64(minute) * 60
            #expect(straight.step(at: t) == resumed.step(at: t))
        }
    }

    @Test func theMixOfTradersIsAFewSharpManyNoisySomeReckless() {
        let traders = MarketSimulator(seed: 1, traderCount: 300).traders
        let count = { (style: SimulatedTrader.Style) in traders.filter { $0.style == style }.count }
        #expect(count(.sharp) == 15 && count(.reckless) == 60 && count(.noisy) == 225)
        #expect(Set(traders.map(\.address)).count == 300)
        #expect(traders.allSatisfy { $0.address.count == 42 && $0.address.hasPrefix("0x") })
        // Shuffled: the sharp ones are not all at the front.
        #expect(traders.prefix(15).filter { $0.style == .sharp }.count < 15)
    }

    @Test func aBusyDayHasEveryKindOfExecution() {
        let day = Day()
        let events = Dictionary(grouping: day.fills, by: \.event).mapValues(\.count)
        for event in SimulatedFill.Event.allCases {
            #expect(events[event, default: 0] > 20, "\(event): \(events[event, default: 0])")
        }
        // A few thousand executions a day for 300 traders.
        #expect(day.fills.count > 4_000 && day.fills.count < 40_000)
        let liquidated = Set(day.fills.filter { $0.event == .liquidation }.map(\.trade.trader))
        let reckless = Set(day.simulator.traders.filter { $0.style == .reckless }.map(\.address))
        #expect(liquidated.isSubset(of: reckless.union(day.simulator.traders.filter { $0.style == .noisy }.map(\.address))))
        #expect(liquidated.intersection(reckless).count > reckless.count / 2)
    }

    @Test func sharpTradersMakeMoneyAndRecklessOnesLoseIt() {
        let day = Day()
        #expect(day.mean(.sharp) > 0)
        #expect(day.mean(.reckless) < day.mean(.noisy))
        #expect(day.mean(.noisy) < day.mean(.sharp))
    }

    @Test func everyFillFollowsAvantisArithmetic() {
        let day = Day(minutes: 1_440)
        var opened: [String: Int64] = [:]   // trader/pair/slot/open time → collateral open
        for fill in day.fills {
            let key = "\(fill.trade.trader)/\(fill.trade.pairIndex)/\(fill.trade.index)/\(fill.trade.timestamp)"
            #expect(fill.trade.leverage % 10_000_000_000 == 0 && fill.trade.leverage > 0)
            if fill.open {
                #expect(opened[key] == nil)
                let leverage = fill.trade.leverage / 10_000_000_000
                // The opening fee is 6 bps of the notional of the gross collateral.
                #expect(fill.openingFee == (fill.positionSizeUSDC + fill.openingFee) * leverage * 6 / 10_000)
                #expect(fill.positionSizeUSDC == fill.trade.initialPosToken)
                opened[key] = fill.positionSizeUSDC
            } else {
                #expect(opened[key] == fill.trade.initialPosToken, "a close names the trade as it stood")
                #expect(fill.positionSizeUSDC <= fill.trade.initialPosToken && fill.positionSizeUSDC > 0)
                #expect(fill.percentProfit >= -100 * 10_000_000_000)
                if fill.event == .liquidation { #expect(fill.usdcSentToTrader == 0) }
                let remaining = fill.trade.initialPosToken - fill.positionSizeUSDC
                opened[key] = remaining > 0 ? remaining : nil
                if fill.event != .partialClose { #expect(remaining == 0) }
            }
        }
    }
}
