/// What an admin's command did to the copy engine, as values. The control layer returns them
/// and knows no HTML; `ChatReplies.render` words them for the chat and the terminal.
public enum ControlOutcome: Sendable {
    case modeChanged(ExecutionMode)
    /// LIVE could not be prepared (the wallet, its key, the chain).
    case liveRefused(String)
    /// The mode machine refused the change (`ExecutionModeMachine.Refusal`).
    case refused(String)
    /// `alreadyAccepted`: orders the relayer had taken before the stop, which may still execute.
    case stopEngaged(alreadyAccepted: Int)
    case stopCleared
    case copyStatus(CopyStatus)
    case following(EVMAddress)
    case unfollowed(EVMAddress)
    case leaders([EVMAddress], own: [EVMAddress: LeaderSettings])
    case noSuchTrader(TraderReference, TraderReference.Miss)
    case leaderSettingsInvalid(LeaderSettings.Invalid)
    /// A leader's own settings, shown (`changed` false) or changed; `copied`: whether it is copied now.
    case leaderSettings(EVMAddress, LeaderSettings, changed: Bool, copied: Bool)
    /// The copy account: realized figures, and the open positions at their marks.
    case account(CopyPerformance, OpenPositionsReport, now: Int64)
    /// Closes sent at market, one description each.
    case closing([String])
    case nothingToClose(CloseTarget)
    case report(PerformanceReport)
    case breakers([BreakerState])
    case breakerReset(BreakerName, wasOpen: Bool)
    case paused(Bool)
    /// `what` failed; the error is in the service log.
    case failed(String)
}

/// `/copy status`: the mode, the leaders, the orders' figures and the wallet.
public struct CopyStatus: Sendable, Equatable {
    public var state: ExecutionState
    public var leaders: Int
    public var performance: CopyPerformance
    public var wallet: String?

    public init(state: ExecutionState, leaders: Int, performance: CopyPerformance, wallet: String?) {
        self.state = state
        self.leaders = leaders
        self.performance = performance
        self.wallet = wallet
    }
}

/// A breaker's reading, and whether it is open (tripped and not reset).
public struct BreakerState: Sendable, Equatable {
    public var reading: BreakerReading
    public var isOpen: Bool

    public init(_ reading: BreakerReading, isOpen: Bool) {
        self.reading = reading
        self.isOpen = isOpen
    }
}
