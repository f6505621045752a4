import AlfaCore

/// The policies at the settings' documented defaults (env.production.template), so the core's
/// tests need no settings; AlfaSettingsTests holds the settings to the same values.
extension CopyPolicy {
    static let defaults = CopyPolicy(
        leaders: [], autoTopK: 5, collateral: 100_000_000, sizeRatio: nil, maxLeverage: 100_000_000_000, maxOpenPositions: 5,
        slippageBps: 50, maxSignalAgeSeconds: 60, orderTimeoutSeconds: 120, intentDeadlineSeconds: 30,
        stopLossBps: nil, takeProfitBps: nil, liquidationAlertBps: 300)

    /// The defaults, changed by `change`.
    static func defaults(_ change: (inout CopyPolicy) -> Void) -> CopyPolicy {
        var policy = defaults
        change(&policy)
        return policy
    }
}

extension BreakerLimits {
    static let defaults = BreakerLimits(
        minWinRate: 0.40, winRateTrades: 20, maxDrawdownPercent: 15, maxGasSharePercent: 40, maxConsecutiveFailures: 5,
        maxVolatilityMultiple: 3, maxFailureRatePercent: 80, failureWindowMinutes: 15, maxSlippageSigma: 2.5, checkSeconds: 30,
        action: .stop)
}
