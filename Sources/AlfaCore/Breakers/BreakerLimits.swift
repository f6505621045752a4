/// The circuit breakers' thresholds (the BREAKER_* settings).
public struct BreakerLimits: Sendable, Equatable {
    public var minWinRate: Double
    public var winRateTrades: Int64
    public var maxDrawdownPercent: Double
    public var maxGasSharePercent: Double
    public var maxConsecutiveFailures: Int64
    public var maxVolatilityMultiple: Double
    public var maxFailureRatePercent: Double
    public var failureWindowMinutes: Int64
    public var maxSlippageSigma: Double
    public var checkSeconds: Int64
    public var action: BreakerAction

    public init(minWinRate: Double, winRateTrades: Int64, maxDrawdownPercent: Double, maxGasSharePercent: Double,
                maxConsecutiveFailures: Int64, maxVolatilityMultiple: Double, maxFailureRatePercent: Double,
                failureWindowMinutes: Int64, maxSlippageSigma: Double, checkSeconds: Int64, action: BreakerAction) {
        self.minWinRate = minWinRate
        self.winRateTrades = winRateTrades
        self.maxDrawdownPercent = maxDrawdownPercent
        self.maxGasSharePercent = maxGasSharePercent
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.maxVolatilityMultiple = maxVolatilityMultiple
        self.maxFailureRatePercent = maxFailureRatePercent
        self.failureWindowMinutes = failureWindowMinutes
        self.maxSlippageSigma = maxSlippageSigma
        self.checkSeconds = checkSeconds
        self.action = action
    }
}

/// `BREAKER_ACTION`: what a tripped breaker does besides engaging the emergency stop.
public enum BreakerAction: String, Sendable, CaseIterable {
    case stop
    case closeAll = "close_all"
}
