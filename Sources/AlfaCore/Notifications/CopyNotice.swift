/// What the admins hear of each copy action (`/notify`), besides the alerts (breakers, the
/// stop, stalls), which always reach them.
public enum NoticeKind: String, Sendable, CaseIterable, Comparable {
    case opened, closed, skipped, failed

    public static func < (a: NoticeKind, b: NoticeKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The kind of notice a settled copy order makes; nil while it is still moving.
    public static func of(_ order: CopyOrder) -> NoticeKind? {
        switch order.status {
        case .filled: order.action == .open ? .opened : .closed
        case .skipped: .skipped
        case .failed, .declined, .expired: .failed
        case .intent, .signed, .accepted, .initiated: nil
        }
    }
}

/// How an admin hears a kind: with sound, silently (Telegram's `disable_notification`), or not.
public enum NoticeLevel: String, Sendable, CaseIterable {
    case on, silent, off
}

/// One admin's choices; a kind not chosen is `on`.
public struct NoticePreferences: Sendable, Equatable {
    public var levels: [NoticeKind: NoticeLevel]

    public init(_ levels: [NoticeKind: NoticeLevel] = [:]) {
        self.levels = levels
    }

    public func level(_ kind: NoticeKind) -> NoticeLevel { levels[kind] ?? .on }

    /// `/notify`: each kind and its level, then what cannot be turned off.
    public var html: String {
        "<b>Notifications</b>\n"
            + NoticeKind.allCases.map { "\($0.rawValue): <b>\(level($0).rawValue)</b>" }.joined(separator: "\n")
            + "\n<i>Breakers, the emergency stop and stalls always reach you. /notify KIND on|silent|off (KIND: "
            + NoticeKind.allCases.map(\.rawValue).joined(separator: ", ") + " or all).</i>"
    }
}

/// One settled copy order as the admins read it.
public struct CopyNotice: Sendable, Equatable {
    public let kind: NoticeKind
    public let orderID: Int64
    /// Plain text, one line.
    public let line: String

    public init(kind: NoticeKind, orderID: Int64, line: String) {
        self.kind = kind
        self.orderID = orderID
        self.line = line
    }

    /// The notice of a settled order (nil while it moves): pair, side, size, price, leader for
    /// an open; net PnL and why for a close; the reason for a skip or a failure.
    public init?(_ order: CopyOrder, names: PairCatalogue = .builtIn) {
        guard let kind = NoticeKind.of(order) else { return nil }
        let pair = names.name(of: order.pairIndex)
        let side = order.isLong ? "long" : "short"
        let leader = "leader " + String(order.leader.description.prefix(10)) + "…"
        let mode = order.mode.rawValue
        let price = { (value: Int64?) in value.map { FixedPoint.display($0, scale: FixedPoint.priceScale) } ?? "?" }
        let line: String
        switch kind {
        case .opened:
            line = "🟢 Opened \(pair) \(side) \(FixedPoint.display(order.fillCollateral ?? order.collateral)) USDC "
                + "×\(FixedPoint.display(order.leverage, scale: FixedPoint.priceScale, decimals: 1)) at \(price(order.fillPrice)) "
                + "(\(leader), \(mode), #\(order.id))"
        case .closed:
            let why: String = switch order.reason {
            case "full close"?: "the leader closed"
            case "partial close"?: "the leader closed part"
            case let reason?: reason
            case nil: "closed"
            }
            line = "\(order.netPnL >= 0 ? "✅" : "🔻") Closed \(pair) \(side) at \(price(order.fillPrice)): "
                + "net \(FixedPoint.display(order.netPnL, signed: true)) USDC — \(why) (\(mode), #\(order.positionOrderID ?? order.id))"
        case .skipped:
            line = "⏭ Skipped \(pair) \(side) \(order.leaderKind.rawValue.replacingOccurrences(of: "_", with: " ")) of \(leader): "
                + (order.reason ?? "no reason recorded")
        case .failed:
            line = "❌ \(order.status == .declined ? "Declined" : order.status == .expired ? "Expired" : "Failed") "
                + "\(order.action.rawValue) \(pair) \(side) (\(mode), #\(order.id)): " + (order.reason ?? "no reason recorded")
        }
        self.init(kind: kind, orderID: order.id, line: line)
    }
}

/// Groups the notices of a minute into one message per admin, by each admin's choices: the
/// kinds turned off are left out, and the message is silent unless a kind it holds is `on`.
public enum NoticeDigest {
    public struct Message: Sendable, Equatable {
        public let admin: Int64
        public let html: String
        public let silent: Bool

        public init(admin: Int64, html: String, silent: Bool) {
            self.admin = admin
            self.html = html
            self.silent = silent
        }
    }

    /// Lines shown per message; the rest are counted.
    public static let maxLines = 30

    public static func messages(_ notices: [CopyNotice], admins: [Int64], preferences: [Int64: NoticePreferences]) -> [Message] {
        guard !notices.isEmpty else { return [] }
        return admins.compactMap { admin in
            let choices = preferences[admin] ?? NoticePreferences()
            let wanted = notices.filter { choices.level($0.kind) != .off }
            guard !wanted.isEmpty else { return nil }
            let silent = !wanted.contains { choices.level($0.kind) == .on }
            var lines = wanted.prefix(maxLines).map { TelegramHTML.escape($0.line) }
            let rest = wanted.dropFirst(maxLines)
            if !rest.isEmpty {
                let counts = Dictionary(grouping: rest, by: \.kind).sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.key.rawValue)" }
                lines.append("<i>… and \(rest.count) more: \(counts.joined(separator: ", ")). /copy pnl has them all.</i>")
            }
            let head = wanted.count == 1 ? "" : "<b>Copy trading</b>: \(wanted.count) actions\n"
            return Message(admin: admin, html: head + lines.joined(separator: "\n"), silent: silent)
        }
    }
}
