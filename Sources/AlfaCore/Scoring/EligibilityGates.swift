/// Who may be ranked at all: enough recent trading to judge, and active lately.
public struct EligibilityGates: Sendable, Equatable {
    public var minTrades30d: Int
    /// USDC × 1e6.
    public var minVolume30d: Int64
    public var activeHours: Int64

    public init(minTrades30d: Int, minVolume30d: Int64, activeHours: Int64) {
        self.minTrades30d = minTrades30d
        self.minVolume30d = minVolume30d
        self.activeHours = activeHours
    }

    /// The same judgement as `reasons`, without building the sentences.
    public func isEligible(thirtyDays metrics: TraderMetrics, asOf: Int64) -> Bool {
        guard let last = metrics.lastTradeTime else { return false }
        return metrics.trades >= minTrades30d && metrics.volume >= minVolume30d && asOf - last <= activeHours * 3600
    }

    /// Why a trader is not eligible, judged on the 30-day metrics; empty when eligible.
    public func reasons(thirtyDays metrics: TraderMetrics, asOf: Int64) -> [String] {
        var reasons: [String] = []
        if metrics.trades < minTrades30d {
            reasons.append("\(metrics.trades) trades in 30 days, \(minTrades30d) needed")
        }
        if metrics.volume < minVolume30d {
            reasons.append("volume \(FixedPoint.display(metrics.volume, decimals: 0)) USD in 30 days, "
                + "\(FixedPoint.display(minVolume30d, decimals: 0)) needed")
        }
        if let last = metrics.lastTradeTime {
            let hours = (asOf - last) / 3600
            if asOf - last > activeHours * 3600 {
                reasons.append("last trade \(hours) hours ago, within \(activeHours) needed")
            }
        } else {
            reasons.append("no trade yet")
        }
        return reasons
    }
}
