/// How the copy engine copies: whom, how big, within which limits. `alfa serve` reads it from
/// the COPY_* settings; a leader's own settings (`LeaderSettings`) override parts of it.
public struct CopyPolicy: Sendable, Equatable {
    public var leaders: [EVMAddress]
    public var autoTopK: Int64
    /// USDC × 1e6.
    public var collateral: Int64
    /// Fraction × 1e6 of the leader's collateral, used instead of `collateral` when set.
    public var sizeRatio: Int64?
    /// Leverage × 1e10.
    public var maxLeverage: Int64
    public var maxOpenPositions: Int64
    public var slippageBps: Int64
    public var maxSignalAgeSeconds: Int64
    /// A LIVE order waiting longer than this for the chain or the keeper is reported to the admins.
    public var orderTimeoutSeconds: Int64
    /// How long a signed intent stays valid: past it, with no fill of ours on chain, it is expired for certain.
    public var intentDeadlineSeconds: Int64
    /// Our own stop-loss and take-profit, as shares of the collateral in basis points; nil for none.
    public var stopLossBps: Int64?
    public var takeProfitBps: Int64?
    /// How close to its liquidation price (bps of the mark) a position raises an alert.
    public var liquidationAlertBps: Int64

    public init(leaders: [EVMAddress], autoTopK: Int64, collateral: Int64, sizeRatio: Int64?, maxLeverage: Int64,
                maxOpenPositions: Int64, slippageBps: Int64, maxSignalAgeSeconds: Int64, orderTimeoutSeconds: Int64,
                intentDeadlineSeconds: Int64, stopLossBps: Int64?, takeProfitBps: Int64?, liquidationAlertBps: Int64) {
        self.leaders = leaders
        self.autoTopK = autoTopK
        self.collateral = collateral
        self.sizeRatio = sizeRatio
        self.maxLeverage = maxLeverage
        self.maxOpenPositions = maxOpenPositions
        self.slippageBps = slippageBps
        self.maxSignalAgeSeconds = maxSignalAgeSeconds
        self.orderTimeoutSeconds = orderTimeoutSeconds
        self.intentDeadlineSeconds = intentDeadlineSeconds
        self.stopLossBps = stopLossBps
        self.takeProfitBps = takeProfitBps
        self.liquidationAlertBps = liquidationAlertBps
    }
}
