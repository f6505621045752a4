import Foundation

/// The circuit breakers as pure functions of the copy account's history. Each breaker sees only
/// what happened after its last reset (`since`), so a reset starts its window afresh.
public enum BreakerEvaluator {
    public static func evaluate(_ inputs: BreakerInputs, settings: BreakerLimits, now: Int64,
                                since: [BreakerName: Int64] = [:]) -> [BreakerReading] {
        BreakerName.allCases.map { evaluate($0, inputs, settings: settings, now: now, since: since[$0] ?? .min) }
    }

    public static func evaluate(_ name: BreakerName, _ inputs: BreakerInputs, settings: BreakerLimits, now: Int64,
                                since: Int64) -> BreakerReading {
        let trades = inputs.trades.filter { $0.time > since }
        let executions = inputs.executions.filter { $0.time > since }
        switch name {
        case .winRate:
            let window = Int(settings.winRateTrades)
            let threshold = settings.minWinRate * 100
            guard trades.count >= window else {
                return BreakerReading(name: name, value: nil, threshold: threshold, tripped: false,
                                      detail: "\(trades.count) of \(window) copy trades so far")
            }
            let last = trades.suffix(window)
            let rate = Double(last.filter { $0.netPnL > 0 }.count) / Double(window) * 100
            return BreakerReading(name: name, value: rate, threshold: threshold, tripped: rate < threshold,
                                  detail: "win rate \(percent(rate)) over the last \(window) copy trades (minimum \(percent(threshold)))")
        case .drawdown:
            // Equity in USDC × 1e6, exact; only the ratio is a Double.
            func percentBelow(_ peak: Int64, _ equity: Int64) -> Double { peak > 0 ? Double(peak - equity) / Double(peak) * 100 : 0 }
            var equity = inputs.capital
            var peak = equity
            var worst = 0.0
            for trade in trades {
                equity += trade.netPnL - trade.gas
                peak = max(peak, equity)
                worst = max(worst, percentBelow(peak, equity))
            }
            // Now: the open positions at their marks too, so a position sliding towards liquidation counts before it closes.
            equity += inputs.unrealized
            peak = max(peak, equity)
            let current = percentBelow(peak, equity)
            worst = max(worst, current)
            let open = inputs.unrealized == 0 ? "" : ", unrealized \(FixedPoint.display(inputs.unrealized, signed: true)) USDC included"
            return BreakerReading(name: name, value: current, threshold: settings.maxDrawdownPercent,
                                  tripped: current > settings.maxDrawdownPercent,
                                  detail: "drawdown \(percent(current)) from peak (worst \(percent(worst)), maximum \(percent(settings.maxDrawdownPercent))\(open))")
        case .gasShare:
            let gas = trades.reduce(Int64(0)) { $0 + $1.gas }
            let profit = trades.reduce(Int64(0)) { $0 + max($1.grossPnL, 0) }
            guard gas > 0 else {
                return BreakerReading(name: name, value: 0, threshold: settings.maxGasSharePercent, tripped: false,
                                      detail: "no gas spent")
            }
            guard profit > 0 else {
                return BreakerReading(name: name, value: nil, threshold: settings.maxGasSharePercent, tripped: false,
                                      detail: "gas \(usdc(gas)) and no gross profit yet")
            }
            let share = Double(gas) / Double(profit) * 100
            return BreakerReading(name: name, value: share, threshold: settings.maxGasSharePercent,
                                  tripped: share > settings.maxGasSharePercent,
                                  detail: "gas \(usdc(gas)) is \(percent(share)) of gross profit \(usdc(profit)) (maximum \(percent(settings.maxGasSharePercent)))")
        case .consecutiveFailures:
            let run = executions.reversed().prefix { !$0.succeeded }.count
            return BreakerReading(name: name, value: Double(run), threshold: Double(settings.maxConsecutiveFailures),
                                  tripped: run >= settings.maxConsecutiveFailures,
                                  detail: "\(run) failed executions in a row (limit \(settings.maxConsecutiveFailures))")
        case .failureRate:
            let start = now - settings.failureWindowMinutes * 60
            let recent = executions.filter { $0.time >= start }
            let threshold = settings.maxFailureRatePercent
            // A rate over one or two attempts says little: the consecutive breaker covers those.
            guard recent.count >= 5 else {
                return BreakerReading(name: name, value: nil, threshold: threshold, tripped: false,
                                      detail: "\(recent.count) executions in the last \(settings.failureWindowMinutes) min (5 needed)")
            }
            let rate = Double(recent.filter { !$0.succeeded }.count) / Double(recent.count) * 100
            return BreakerReading(name: name, value: rate, threshold: threshold, tripped: rate >= threshold,
                                  detail: "\(percent(rate)) of \(recent.count) executions failed in the last \(settings.failureWindowMinutes) min (limit \(percent(threshold)))")
        case .volatility:
            return volatility(inputs.prices, settings: settings, since: since)
        case .slippage:
            let samples = inputs.slippages.filter { $0.time > since }.map(\.value)
            guard samples.count >= 11, let latest = samples.last else {
                return BreakerReading(name: name, value: nil, threshold: settings.maxSlippageSigma, tripped: false,
                                      detail: "\(samples.count) copy fills with slippage (11 needed)")
            }
            let history = Array(samples.dropLast())
            let mean = Statistics.mean(history)
            let deviation = Statistics.standardDeviation(history)
            let sigma = deviation > 0 ? abs(latest - mean) / deviation : (latest == mean ? 0 : .infinity)
            return BreakerReading(name: name, value: sigma, threshold: settings.maxSlippageSigma,
                                  tripped: sigma > settings.maxSlippageSigma,
                                  detail: "last slippage \(number(latest)) bps is \(number(sigma)) σ from its mean \(number(mean)) bps (limit \(number(settings.maxSlippageSigma)) σ)")
        }
    }

    /// Recent volatility (standard deviation of the last 20 price returns) against its normal
    /// level (the returns before those), on the pair where the ratio is highest.
    static func volatility(_ prices: [Int32: [BreakerInputs.Sample]], settings: BreakerLimits,
                           since: Int64) -> BreakerReading {
        let recentCount = 20
        var worst: (pair: Int32, ratio: Double)?
        for (pair, samples) in prices {
            let values = samples.map(\.value)
            guard values.count > 2 * recentCount, let last = samples.last, last.time > since else { continue }
            let returns = zip(values.dropFirst(), values).compactMap { $1 > 0 ? log($0 / $1) : nil }
            let normal = Statistics.standardDeviation(Array(returns.dropLast(recentCount)))
            let recent = Statistics.standardDeviation(Array(returns.suffix(recentCount)))
            guard normal > 0 else { continue }
            let ratio = recent / normal
            if worst == nil || ratio > worst!.ratio { worst = (pair, ratio) }
        }
        guard let worst else {
            return BreakerReading(name: .volatility, value: nil, threshold: settings.maxVolatilityMultiple, tripped: false,
                                  detail: "not enough prices yet (\(2 * recentCount + 1) per pair needed)")
        }
        return BreakerReading(name: .volatility, value: worst.ratio, threshold: settings.maxVolatilityMultiple,
                              tripped: worst.ratio > settings.maxVolatilityMultiple,
                              detail: "\(PairCatalogue.builtIn.name(of: worst.pair)): volatility \(number(worst.ratio))× its normal level (limit \(number(settings.maxVolatilityMultiple))×)")
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f %%", value) }
    static func number(_ value: Double) -> String { String(format: "%.2f", value) }
    static func usdc(_ value: Int64) -> String { FixedPoint.display(value) + " USDC" }
}
