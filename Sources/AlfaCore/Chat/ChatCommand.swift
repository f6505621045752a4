/// What a chat message asks for, once parsed. Executing it is AlfaApp's work.
public enum ChatCommand: Sendable, Equatable {
    case start
    case help
    case top(count: Int, window: TimeWindow)
    case trader(TraderReference)
    /// `/watch`, `/unwatch`, `/watchlist`: every user's own list of traders to hear about.
    case watch(TraderReference)
    case unwatch(TraderReference)
    case watchlist
    /// `/copy backtest`: what copying a trader with today's settings would have done. Read-only.
    case copyBacktest(TraderReference, TimeWindow)
    case copyMode(ExecutionMode)
    case copyStatus
    case copyFollow(EVMAddress)
    case copyUnfollow(EVMAddress)
    case copyList
    case copyPnL
    case copyPause
    case copyResume
    case copyClose(CloseTarget)
    case copySet(TraderReference, LeaderSettings.Change)
    /// `/notify`: nil shows the caller's choices; otherwise sets `level` for `kinds`.
    case notify(kinds: [NoticeKind], level: NoticeLevel?)
    case emergencyStop(reason: String?)
    case emergencyStart
    case status
    case breakers
    case breakerReset(BreakerName)
    case report(PerformanceReport.Period)

    /// Admin commands are authorized on the sender's user id, never on the chat.
    public var requiresAdmin: Bool {
        switch self {
        case .start, .help, .top, .trader, .watch, .unwatch, .watchlist, .copyBacktest: false
        case .copyMode, .copyStatus, .copyFollow, .copyUnfollow, .copyList, .copyPnL, .copyPause, .copyResume, .copyClose, .copySet, .notify, .emergencyStop, .emergencyStart,
             .status, .breakers,
             .breakerReset, .report: true
        }
    }

    /// Commands that read the database or compute a report: rate-limited per user.
    public var isExpensive: Bool {
        switch self {
        case .top, .trader, .copyBacktest, .status, .copyStatus, .copyList, .copyPnL, .breakers, .report: true
        default: false
        }
    }

    /// The canonical spelling, as written to the audit log.
    public var canonical: String {
        switch self {
        case .start: "/start"
        case .help: "/help"
        case .top(let count, let window): "/alfa top\(count) \(window.rawValue)"
        case .trader(let trader): "/alfa trader \(trader)"
        case .watch(let trader): "/watch \(trader)"
        case .unwatch(let trader): "/unwatch \(trader)"
        case .watchlist: "/watchlist"
        case .copyBacktest(let trader, let window): "/copy backtest \(trader) \(window.rawValue)"
        case .copyMode(let mode): "/copy mode \(mode.rawValue)"
        case .copyStatus: "/copy status"
        case .copyFollow(let address): "/copy follow \(address)"
        case .copyUnfollow(let address): "/copy unfollow \(address)"
        case .copyList: "/copy list"
        case .copyPnL: "/copy pnl"
        case .copyPause: "/copy pause"
        case .copyResume: "/copy resume"
        case .copyClose(let target): "/copy close \(target)"
        case .copySet(let leader, .show): "/copy set \(leader)"
        case .copySet(let leader, .reset): "/copy set \(leader) reset"
        case .copySet(let leader, .assign(let words)): "/copy set \(leader) " + words.joined(separator: " ")
        case .notify(_, nil): "/notify"
        case .notify(let kinds, let level?):
            "/notify " + (kinds == NoticeKind.allCases ? "all" : kinds.map(\.rawValue).joined(separator: ",")) + " \(level.rawValue)"
        case .emergencyStop(let reason): "/emergency stop" + (reason.map { " \($0)" } ?? "")
        case .emergencyStart: "/emergency start"
        case .status: "/status"
        case .breakers: "/breakers"
        case .breakerReset(let name): "/breaker reset \(name.rawValue)"
        case .report(let period): "/report \(period.rawValue)"
        }
    }
}

/// The circuit breakers, by the names admins type in `/breaker reset NAME`.
public enum BreakerName: String, Sendable, CaseIterable {
    case winRate = "win_rate"
    case drawdown
    case gasShare = "gas_share"
    case consecutiveFailures = "consecutive_failures"
    case volatility
    case failureRate = "failure_rate"
    case slippage
}
