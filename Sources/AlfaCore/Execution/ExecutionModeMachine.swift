/// The rules of the mode and the emergency stop, as pure functions of the state that return
/// what to do; the mode manager only performs the actions, in order.
/// - The stop wins over everything: engaging it is always allowed, from anyone, and closes
///   this process's gate before the stored state is even read.
/// - LIVE needs a confirmed request, a configured wallet, no open breaker and no stop.
/// - Clearing the stop leaves the mode in DRY: LIVE must be confirmed again.
/// - Every stop is announced to the admins: who engaged it, why, and how to clear it.
public enum ExecutionModeMachine {
    public enum Action: Sendable, Equatable {
        /// Close this process's gate and wait for the submissions in flight.
        case closeGate
        /// Store the state and announce it to every replica (NOTIFY), in the transaction that read the old one.
        case persist(ExecutionState)
        /// Obey the state in this process, and log the change.
        case updateGate(ExecutionState)
        case alert(AdminAlert)
    }

    /// An accepted change: the state after it, and the actions that follow the stored state's read.
    public struct Transition: Sendable, Equatable {
        public var next: ExecutionState
        public var actions: [Action]
    }

    public enum Change: Sendable, Equatable {
        case setMode(ExecutionMode)
        case engageStop
        case clearStop
    }

    /// What LIVE depends on outside the state itself.
    public struct LiveConditions: Sendable, Equatable {
        public var confirmed: Bool
        public var walletConfigured: Bool
        public var openBreakers: [BreakerName]

        public init(confirmed: Bool, walletConfigured: Bool, openBreakers: [BreakerName]) {
            self.confirmed = confirmed
            self.walletConfigured = walletConfigured
            self.openBreakers = openBreakers
        }
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case stopEngaged
        case notConfirmed
        case noWallet
        case breakersOpen([BreakerName])

        public var description: String {
            switch self {
            case .stopEngaged: "the emergency stop is engaged: /emergency start first"
            case .notConfirmed: "LIVE must be confirmed in chat"
            case .noWallet: "no wallet is configured (WALLET_ADDRESS with WALLET_DELEGATE_KEY_FILE, or WALLET_PRIVATE_KEY_FILE)"
            case .breakersOpen(let names):
                "circuit breaker(s) open: \(names.map(\.rawValue).joined(separator: ", ")) (/breakers, /breaker reset NAME)"
            }
        }
    }

    /// The state at start-up. `EMERGENCY_STOP=true` forces the stop whatever was stored;
    /// otherwise a stored state survives restarts, and without one the environment decides.
    public static func startup(stored: ExecutionState?, environmentMode: ExecutionMode, environmentStop: Bool,
                               now: Int64) -> ExecutionState {
        if environmentStop {
            if let stored, stored.emergencyStop { return stored }
            return ExecutionState(mode: stored?.mode ?? environmentMode, emergencyStop: true, changedBy: .environment,
                                  changedAt: now, reason: "EMERGENCY_STOP=true at start-up")
        }
        return stored ?? ExecutionState(mode: environmentMode, emergencyStop: false, changedBy: .environment,
                                        changedAt: now, reason: nil)
    }

    /// The state after `change`, or why it is refused. A change to what already holds still
    /// records who asked (an admin repeating `/emergency stop` is on record).
    public static func apply(_ change: Change, to state: ExecutionState, by actor: ExecutionActor, at now: Int64,
                             reason: String?, live: LiveConditions) -> Result<ExecutionState, Refusal> {
        var next = state
        next.changedBy = actor
        next.changedAt = now
        next.reason = reason
        switch change {
        case .engageStop:
            next.emergencyStop = true
        case .clearStop:
            next.emergencyStop = false
            next.mode = .dry
        case .setMode(.dry):
            next.mode = .dry
        case .setMode(.live):
            if let refusal = liveRefusal(state, live) { return .failure(refusal) }
            next.mode = .live
        }
        return .success(next)
    }

    /// What is done for `change` before the stored state is read: a stop closes the gate first,
    /// so nothing is submitted here from the moment it is asked for.
    public static func before(_ change: Change) -> [Action] {
        change == .engageStop ? [.closeGate] : []
    }

    /// `apply`, with what follows: persist, obey, and for a stop, alert.
    public static func transition(_ change: Change, from stored: ExecutionState, by actor: ExecutionActor, at now: Int64,
                                  reason: String?, live: LiveConditions) -> Result<Transition, Refusal> {
        apply(change, to: stored, by: actor, at: now, reason: reason, live: live).map { next in
            var actions: [Action] = [.persist(next), .updateGate(next)]
            if change == .engageStop { actions.append(.alert(stopAlert(by: actor, reason: reason))) }
            return Transition(next: next, actions: actions)
        }
    }

    static func stopAlert(by actor: ExecutionActor, reason: String?) -> AdminAlert {
        switch actor {
        case .breaker(let name):
            AdminAlert(.critical, "Circuit breaker \(name.rawValue) tripped: emergency stop engaged", detail: reason ?? name.rawValue,
                       action: "Check /copy pnl and /breakers, then /breaker reset \(name.rawValue) and /emergency start.")
        case .admin, .environment:
            AdminAlert(.critical, "Emergency stop engaged by \(actor)", detail: reason ?? "no reason given",
                       action: "/emergency start clears it; LIVE must then be confirmed again.")
        }
    }

    /// Why LIVE cannot be switched on now (checked before asking for confirmation, and again after).
    public static func liveRefusal(_ state: ExecutionState, _ live: LiveConditions) -> Refusal? {
        if state.emergencyStop { return .stopEngaged }
        if !live.walletConfigured { return .noWallet }
        if !live.openBreakers.isEmpty { return .breakersOpen(live.openBreakers) }
        if !live.confirmed { return .notConfirmed }
        return nil
    }
}
