/// The copy engine's switch: the mode, the emergency stop that wins over it, and the last
/// change (who, when, why). Persisted by AlfaStore; every replica obeys the stored state.
public struct ExecutionState: Sendable, Equatable {
    public var mode: ExecutionMode
    public var emergencyStop: Bool
    public var changedBy: ExecutionActor
    /// Unix seconds.
    public var changedAt: Int64
    public var reason: String?

    public init(mode: ExecutionMode, emergencyStop: Bool, changedBy: ExecutionActor, changedAt: Int64, reason: String?) {
        self.mode = mode
        self.emergencyStop = emergencyStop
        self.changedBy = changedBy
        self.changedAt = changedAt
        self.reason = reason
    }

    /// What an order may do right now: nothing while stopped, whatever the mode says.
    public var mayTradeLive: Bool { !emergencyStop && mode == .live }
    public var maySimulate: Bool { !emergencyStop }
}

/// Who changed the state: an admin, a circuit breaker, or the environment at start-up.
public enum ExecutionActor: Sendable, Equatable, CustomStringConvertible {
    case admin(Int64)
    case breaker(BreakerName)
    case environment

    public var description: String {
        switch self {
        case .admin(let id): "admin \(id)"
        case .breaker(let name): "breaker \(name.rawValue)"
        case .environment: "env"
        }
    }

    /// Reads back `description` (how it is stored).
    public init?(stored text: String) {
        if text == "env" {
            self = .environment
        } else if text.hasPrefix("admin "), let id = Int64(text.dropFirst(6)) {
            self = .admin(id)
        } else if text.hasPrefix("breaker "), let name = BreakerName(rawValue: String(text.dropFirst(8))) {
            self = .breaker(name)
        } else {
            return nil
        }
    }
}
