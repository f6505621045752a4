@testable import AlfaCore
import Testing

@Suite("Circuit breakers")
struct BreakerTests {
    static let settings = BreakerLimits.defaults
    let usdc = FillFactory.usdc
    let now: Int64 = 1_800_000_000

    func reading(_ name: BreakerName, _ inputs: BreakerInputs, since: Int64 = .min) -> BreakerReading {
        BreakerEvaluator.evaluate(name, inputs, settings: Self.settings, now: now, since: since)
    }

    func trades(wins: Int, losses: Int, gas: Int64 = 0) -> [BreakerInputs.Trade] {
        (0..<(wins + losses)).map { i in
            let win = i < wins
            return .init(time: now - 1_000 + Int64(i), netPnL: win ? 10 * usdc : -5 * usdc, grossPnL: win ? 11 * usdc : -4 * usdc, gas: gas)
        }
    }

    @Test func winRateTripsBelowFortyPercentOverTwentyTrades() {
        #expect(reading(.winRate, BreakerInputs(trades: trades(wins: 8, losses: 12), capital: 500 * usdc)).tripped == false)
        let low = reading(.winRate, BreakerInputs(trades: trades(wins: 7, losses: 13), capital: 500 * usdc))
        #expect(low.tripped && low.value == 35 && low.detail.contains("35.0 %"))
        // Fewer than 20 trades: not judged yet.
        let early = reading(.winRate, BreakerInputs(trades: trades(wins: 0, losses: 19), capital: 500 * usdc))
        #expect(!early.tripped && early.value == nil)
        // A reset starts the window afresh.
        #expect(!reading(.winRate, BreakerInputs(trades: trades(wins: 0, losses: 25), capital: 500 * usdc), since: now - 990).tripped)
    }

    @Test func drawdownTripsAboveFifteenPercentFromThePeak() {
        let up = BreakerInputs.Trade(time: now - 10, netPnL: 100 * usdc, grossPnL: 100 * usdc, gas: 0)
        let down = BreakerInputs.Trade(time: now - 5, netPnL: -90 * usdc, grossPnL: -90 * usdc, gas: 0)
        // Peak 600, now 510: 15 % exactly is not above.
        #expect(!reading(.drawdown, BreakerInputs(trades: [up, down], capital: 500 * usdc)).tripped)
        var worse = down
        worse.netPnL = -91 * usdc
        let tripped = reading(.drawdown, BreakerInputs(trades: [up, worse], capital: 500 * usdc))
        #expect(tripped.tripped && tripped.detail.contains("15.2 %"))
    }

    @Test func anUnrealizedLossCountsInTheDrawdownWithNothingClosed() {
        var open = BreakerInputs(capital: 100 * usdc)
        open.unrealized = -15 * usdc
        #expect(!reading(.drawdown, open).tripped)  // 15 % exactly
        open.unrealized = -25 * usdc
        let tripped = reading(.drawdown, open)
        #expect(tripped.tripped && tripped.detail == "drawdown 25.0 % from peak (worst 25.0 %, maximum 15.0 %, unrealized -25.00 USDC included)")
        // An unrealized gain raises the equity like a realized one.
        let up = BreakerInputs.Trade(time: now - 10, netPnL: 20 * usdc, grossPnL: 20 * usdc, gas: 0)
        var gained = BreakerInputs(trades: [up], capital: 100 * usdc)
        gained.unrealized = 10 * usdc
        #expect(reading(.drawdown, gained).value == 0)
    }

    @Test func gasTripsAboveFortyPercentOfGrossProfit() {
        let cheap = trades(wins: 4, losses: 0, gas: 4 * usdc)   // 16 of 44
        #expect(!reading(.gasShare, BreakerInputs(trades: cheap, capital: 500 * usdc)).tripped)
        let dear = trades(wins: 4, losses: 0, gas: 5 * usdc)    // 20 of 44 = 45 %
        #expect(reading(.gasShare, BreakerInputs(trades: dear, capital: 500 * usdc)).tripped)
        #expect(reading(.gasShare, BreakerInputs(trades: trades(wins: 0, losses: 3, gas: usdc), capital: 500 * usdc)).value == nil)
        #expect(reading(.gasShare, BreakerInputs(trades: trades(wins: 3, losses: 0), capital: 500 * usdc)).tripped == false)
    }

    @Test func fiveFailuresInARowTrip() {
        let ok = BreakerInputs.Execution(time: now - 100, succeeded: true)
        let failed = (0..<4).map { BreakerInputs.Execution(time: now - 50 + Int64($0), succeeded: false) }
        #expect(!reading(.consecutiveFailures, BreakerInputs(executions: [ok] + failed, capital: 1)).tripped)
        let five = failed + [.init(time: now - 1, succeeded: false)]
        #expect(reading(.consecutiveFailures, BreakerInputs(executions: [ok] + five, capital: 1)).value == 5)
        #expect(reading(.consecutiveFailures, BreakerInputs(executions: [ok] + five, capital: 1)).tripped)
        #expect(!reading(.consecutiveFailures, BreakerInputs(executions: five + [ok], capital: 1)).tripped)
    }

    @Test func eightyPercentFailuresInFifteenMinutesTrip() {
        func attempts(failed: Int, ok: Int, at start: Int64) -> [BreakerInputs.Execution] {
            (0..<(failed + ok)).map { .init(time: start + Int64($0), succeeded: $0 % (failed + ok) >= failed) }
        }
        // 4 of 5 failed: 80 % trips; the same long ago does not count.
        #expect(reading(.failureRate, BreakerInputs(executions: attempts(failed: 4, ok: 1, at: now - 600), capital: 1)).tripped)
        #expect(!reading(.failureRate, BreakerInputs(executions: attempts(failed: 4, ok: 1, at: now - 1_000), capital: 1)).tripped)
        #expect(!reading(.failureRate, BreakerInputs(executions: attempts(failed: 3, ok: 2, at: now - 600), capital: 1)).tripped)
        #expect(reading(.failureRate, BreakerInputs(executions: attempts(failed: 3, ok: 0, at: now - 60), capital: 1)).value == nil)
    }

    @Test func volatilityTripsAtThreeTimesItsNormalLevel() {
        var random = SeededRandom(seed: 7)
        func series(calm: Int, wild: Int, wildScale: Double) -> [BreakerInputs.Sample] {
            var price = 100.0
            return (0..<(calm + wild)).map { i in
                let scale = i < calm ? 0.001 : wildScale
                price *= 1 + (Double.random(in: 0..<1, using: &random) - 0.5) * 2 * scale
                return .init(time: now - 1_000 + Int64(i), value: price)
            }
        }
        let calm = reading(.volatility, BreakerInputs(prices: [1: series(calm: 80, wild: 21, wildScale: 0.001)], capital: 1))
        #expect(calm.value != nil && !calm.tripped)
        let wild = reading(.volatility, BreakerInputs(prices: [1: series(calm: 80, wild: 21, wildScale: 0.01)], capital: 1))
        #expect(wild.tripped && wild.detail.hasPrefix("BTC/USD: volatility"))
        #expect(reading(.volatility, BreakerInputs(prices: [1: series(calm: 10, wild: 0, wildScale: 0)], capital: 1)).value == nil)
    }

    @Test func slippageBeyondTwoAndAHalfSigmaTrips() {
        let history = (0..<10).map { BreakerInputs.Sample(time: now - 100 + Int64($0), value: 10 + Double($0 % 2) * 2) }  // mean 11, σ ≈ 1.05
        let normal = history + [.init(time: now, value: 13)]
        #expect(!reading(.slippage, BreakerInputs(slippages: normal, capital: 1)).tripped)
        let outlier = history + [.init(time: now, value: 14)]
        #expect(reading(.slippage, BreakerInputs(slippages: outlier, capital: 1)).tripped)
        #expect(reading(.slippage, BreakerInputs(slippages: Array(history.prefix(5)), capital: 1)).value == nil)
    }

    @Test func everyBreakerIsReportedInOrder() {
        let readings = BreakerEvaluator.evaluate(BreakerInputs(capital: 1), settings: Self.settings, now: now)
        #expect(readings.map(\.name) == BreakerName.allCases)
        #expect(readings.allSatisfy { !$0.tripped })
    }

    @Test func theHistoryFromSettledOrdersCountsAnOpensGasOnceAndSortsByCompletion() {
        typealias Order = BreakerInputs.SettledOrder
        let settled = [
            Order(id: 1, time: 100, filled: true, isClose: false, positionOrderID: nil, netPnL: 0, grossPnL: 0, gas: 7, slippageBps: 4),
            Order(id: 2, time: 130, filled: true, isClose: true, positionOrderID: 1, netPnL: 5, grossPnL: 6, gas: 3, slippageBps: 2),
            Order(id: 3, time: 120, filled: true, isClose: true, positionOrderID: 1, netPnL: -1, grossPnL: -1, gas: 3, slippageBps: nil),
            Order(id: 4, time: 125, filled: false, isClose: false, positionOrderID: nil, netPnL: 0, grossPnL: 0, gas: 0, slippageBps: nil),
        ]
        let inputs = BreakerInputs(settled: settled, capital: 1_000)
        // The first close in id order carries the open's gas; trades in completion order.
        #expect(inputs.trades == [.init(time: 120, netPnL: -1, grossPnL: -1, gas: 3), .init(time: 130, netPnL: 5, grossPnL: 6, gas: 10)])
        #expect(inputs.executions.map(\.time) == [100, 120, 125, 130])
        #expect(inputs.executions.map(\.succeeded) == [true, true, false, true])
        #expect(inputs.slippages == [.init(time: 100, value: 4), .init(time: 130, value: 2)])
        #expect(inputs.capital == 1_000)
    }
}
