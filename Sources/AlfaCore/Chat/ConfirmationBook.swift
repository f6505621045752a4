/// Pending confirmations (the LIVE switch, admins' closes): a token per question, bound to the admin who
/// asked and the chat, expiring after `lifetimeSeconds`. Tokens are made by the caller.
public struct ConfirmationBook: Sendable {
    public enum Action: Sendable, Equatable {
        case goLive
        case close(CloseTarget)

        /// The command it confirms, for the audit log.
        public var command: ChatCommand {
            switch self {
            case .goLive: .copyMode(.live)
            case .close(let target): .copyClose(target)
            }
        }
    }

    public enum Resolution: Sendable, Equatable {
        case confirmed(Action)
        case cancelled(Action)
        case expired
        case unknown
        /// Another user pressed the button: only the admin who asked may answer.
        case notYours
    }

    struct Pending: Sendable {
        let action: Action
        let user: Int64
        let chat: Int64
        let expiresAt: Double
    }

    public let lifetimeSeconds: Double
    private var pending: [String: Pending] = [:]

    public init(lifetimeSeconds: Double = 60) {
        self.lifetimeSeconds = lifetimeSeconds
    }

    public mutating func ask(_ action: Action, token: String, user: Int64, chat: Int64, now: Double) {
        pending = pending.filter { $0.value.expiresAt > now }
        pending[token] = Pending(action: action, user: user, chat: chat, expiresAt: now + lifetimeSeconds)
    }

    public mutating func answer(token: String, confirm: Bool, user: Int64, now: Double) -> Resolution {
        guard let entry = pending[token] else { return .unknown }
        guard entry.user == user else { return .notYours }
        pending[token] = nil
        guard entry.expiresAt > now else { return .expired }
        return confirm ? .confirmed(entry.action) : .cancelled(entry.action)
    }

    /// Callback data carried by the inline keyboard's buttons: `confirm:TOKEN` / `cancel:TOKEN`.
    public static func callbackData(token: String, confirm: Bool) -> String {
        (confirm ? "confirm:" : "cancel:") + token
    }

    public static func parseCallback(_ data: String) -> (token: String, confirm: Bool)? {
        if data.hasPrefix("confirm:") { return (String(data.dropFirst(8)), true) }
        if data.hasPrefix("cancel:") { return (String(data.dropFirst(7)), false) }
        return nil
    }
}
