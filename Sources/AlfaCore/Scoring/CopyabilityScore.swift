import Foundation

/// How well a follower would do copying a trader, 0–100. `docs/scoring.md` explains the
/// formula with a worked example; keep the two in step.
///
///     quality  = 0.35 R + 0.25 W + 0.20 D + 0.20 C
///     score    = 100 × quality × S × L × E × T × H
///
/// R risk-adjusted return (probabilistic Sharpe of daily PnL), W win rate shrunk by its
/// Wilson lower bound (positions open at a loss counted as losses), D drawdown (exp(−3 ×
/// drawdown % of peak collateral)), C weekly consistency ((positive weeks + 1) / (active
/// weeks + 2)); S sample-size ramp, L leverage and liquidation penalty, E execution
/// copyability (share of holds a follower can copy), T recency, H losses kept open
/// (exp(−3 × unrealized loss / an open position's average collateral), `OpenExposure`).
public struct CopyabilityScore: Sendable, Equatable {
    public let riskAdjusted: Double
    public let winRate: Double
    public let drawdown: Double
    public let consistency: Double
    public let sampleSize: Double
    public let leverage: Double
    public let copyability: Double
    public let recency: Double
    public let hiddenLosses: Double

    public var quality: Double { 0.35 * riskAdjusted + 0.25 * winRate + 0.20 * drawdown + 0.20 * consistency }
    public var value: Double { 100 * quality * sampleSize * leverage * copyability * recency * hiddenLosses }

    /// The factor on the score of a trader whose positions were changed by events alfa cannot
    /// decode yet (v2 increases, margin updates…): their closes may not match the FIFO book,
    /// so the record is uncertain and ranks below an equal record alfa can read whole.
    public static let uncertainRecordFactor = 0.5

    /// The score as ranked: `value`, times `uncertainRecordFactor` for an uncertain record.
    public func ranked(uncertain: Bool) -> Double { uncertain ? value * Self.uncertainRecordFactor : value }

    /// Trades and active days at which the sample-size ramp reaches 1.
    public static let fullSampleTrades = 30.0
    public static let fullSampleDays = 10.0

    /// `exposure`: the trader's open positions at their marks (none: the realized record alone).
    public init(metrics m: TraderMetrics, asOf: Int64, activeHours: Int64, exposure: OpenExposure = .none) {
        riskAdjusted = m.probabilisticSharpe
        winRate = Statistics.wilsonLowerBound(successes: m.wins, trials: m.trades + exposure.losers)
        drawdown = exp(-3 * max(0, m.maxDrawdownPct))
        consistency = Double(m.positiveWeeks + 1) / Double(m.activeWeeks + 2)
        sampleSize = min(1, Double(m.trades) / Self.fullSampleTrades).squareRoot()
            * min(1, Double(m.activeDays) / Self.fullSampleDays).squareRoot()
        let liquidationRate = m.trades > 0 ? Double(m.liquidations) / Double(m.trades) : 0
        leverage = 1 / (1 + max(0, m.averageLeverage - 10) / 40) * max(0, 1 - 2 * liquidationRate)
        copyability = 1 - m.shortHoldShare
        let hoursIdle = m.lastTradeTime.map { Double(max(0, asOf - $0)) / 3600 } ?? .infinity
        recency = exp(-hoursIdle / Double(2 * max(1, activeHours)))
        hiddenLosses = exposure.hiddenLossFactor()
    }
}
