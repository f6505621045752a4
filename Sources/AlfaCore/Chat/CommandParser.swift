/// Turns a message's text into a command. Pure: knows the bot's username (for
/// `/cmd@botname` in groups) and nothing else.
public struct CommandParser: Sendable {
    public enum Outcome: Sendable, Equatable {
        case command(ChatCommand)
        /// A known command with arguments that do not fit: the usage line to reply with.
        case usage(String)
        /// A slash command this bot does not have.
        case unknown(String)
        /// Not a command, or a command addressed to another bot: stay silent.
        case ignored
    }

    public static let maxTop = 100
    public static let defaultTop = 50

    /// Without the leading `@`; nil accepts only commands without a mention.
    public let botUsername: String?

    public init(botUsername: String?) {
        self.botUsername = botUsername
    }

    public func parse(_ text: String) -> Outcome {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let first = words.first, first.hasPrefix("/"), first.count > 1 else { return .ignored }
        var name = String(first.dropFirst())
        if let at = name.firstIndex(of: "@") {
            let mention = name[name.index(after: at)...]
            guard let botUsername, mention.caseInsensitiveCompare(botUsername) == .orderedSame else { return .ignored }
            name = String(name[..<at])
        }
        let arguments = Array(words.dropFirst())
        switch name.lowercased() {
        case "start": return .command(.start)
        case "help": return .command(.help)
        case "alfa": return alfa(arguments)
        case "copy": return copy(arguments)
        case "emergency": return emergency(arguments)
        case "status":
            // `/status admin` is the original system's spelling.
            guard arguments.isEmpty || (arguments.count == 1 && arguments[0].lowercased() == "admin") else {
                return .usage(Usage.status)
            }
            return .command(.status)
        case "notify": return notify(arguments)
        case "watch", "unwatch":
            guard arguments.count == 1, let trader = TraderReference(arguments[0]) else { return .usage(Usage.watch) }
            return .command(name.lowercased() == "watch" ? .watch(trader) : .unwatch(trader))
        case "watchlist": return arguments.isEmpty ? .command(.watchlist) : .usage(Usage.watch)
        case "breakers": return arguments.isEmpty ? .command(.breakers) : .usage(Usage.breakers)
        case "breaker": return breaker(arguments)
        case "report":
            guard arguments.count <= 1 else { return .usage(Usage.report) }
            guard let period = PerformanceReport.Period(rawValue: arguments.first?.lowercased() ?? "daily") else {
                return .usage(Usage.report)
            }
            return .command(.report(period))
        case let short where short.count > 1 && short.first == "t" && short.dropFirst().allSatisfy(\.isASCIIDigit):
            // `/t3`: the card of rank 3, a tap away in the board's hint.
            guard arguments.isEmpty, let rank = Int(short.dropFirst()), (1...Self.maxTop).contains(rank) else { return .usage(Usage.trader) }
            return .command(.trader(.rank(rank)))
        default: return .unknown("/" + name)
        }
    }

    private func alfa(_ arguments: [String]) -> Outcome {
        guard let sub = arguments.first?.lowercased() else { return .usage(Usage.alfa) }
        if sub == "trader" {
            guard arguments.count == 2, let trader = TraderReference(arguments[1]) else { return .usage(Usage.trader) }
            return .command(.trader(trader))
        }
        guard sub.hasPrefix("top") else { return .usage(Usage.alfa) }
        // `top50`, `top 50`, `top` (50), each with an optional window.
        var rest = Array(arguments.dropFirst())
        var countText = String(sub.dropFirst(3))
        if countText.isEmpty, let next = rest.first, Int(next) != nil {
            countText = next
            rest.removeFirst()
        }
        let count = countText.isEmpty ? Self.defaultTop : Int(countText)
        guard let count, (1...Self.maxTop).contains(count), rest.count <= 1 else { return .usage(Usage.top) }
        let window = rest.first.map { TimeWindow(rawValue: $0.lowercased()) } ?? .thirtyDays
        guard let window else { return .usage(Usage.top) }
        return .command(.top(count: count, window: window))
    }

    private func copy(_ arguments: [String]) -> Outcome {
        switch arguments.first?.lowercased() {
        case "mode":
            guard arguments.count == 2, let mode = ExecutionMode(rawValue: arguments[1].uppercased()) else {
                return .usage(Usage.copyMode)
            }
            return .command(.copyMode(mode))
        case "status" where arguments.count == 1:
            return .command(.copyStatus)
        case "list" where arguments.count == 1:
            return .command(.copyList)
        case "pnl" where arguments.count == 1:
            return .command(.copyPnL)
        case "pause" where arguments.count == 1:
            return .command(.copyPause)
        case "resume" where arguments.count == 1:
            return .command(.copyResume)
        case "set":
            guard arguments.count >= 2, let leader = TraderReference(arguments[1]) else { return .usage(LeaderSettings.usage) }
            let rest = Array(arguments.dropFirst(2))
            if rest.isEmpty { return .command(.copySet(leader, .show)) }
            if rest.count == 1, rest[0].lowercased() == "reset" { return .command(.copySet(leader, .reset)) }
            if case .failure(let invalid) = LeaderSettings().setting(rest) { return .usage(invalid.description) }
            return .command(.copySet(leader, .assign(rest)))
        case "backtest":
            guard (2...3).contains(arguments.count), let trader = TraderReference(arguments[1]) else { return .usage(Usage.backtest) }
            let window = arguments.count == 3 ? TimeWindow(rawValue: arguments[2].lowercased()) : .thirtyDays
            guard let window else { return .usage(Usage.backtest) }
            return .command(.copyBacktest(trader, window))
        case "close":
            guard arguments.count == 2, let target = CloseTarget(arguments[1]) else { return .usage(Usage.copyClose) }
            return .command(.copyClose(target))
        case let verb? where verb == "follow" || verb == "unfollow":
            guard arguments.count == 2, let address = EVMAddress(hex: arguments[1]) else { return .usage(Usage.copyFollow) }
            return .command(verb == "follow" ? .copyFollow(address) : .copyUnfollow(address))
        default:
            return .usage(Usage.copy)
        }
    }

    private func notify(_ arguments: [String]) -> Outcome {
        if arguments.isEmpty { return .command(.notify(kinds: [], level: nil)) }
        guard arguments.count == 2, let level = NoticeLevel(rawValue: arguments[1].lowercased()) else { return .usage(Usage.notify) }
        let name = arguments[0].lowercased()
        if name == "all" { return .command(.notify(kinds: NoticeKind.allCases, level: level)) }
        guard let kind = NoticeKind(rawValue: name) else {
            return .usage(["breakers", "breaker", "stop", "emergency", "stalls", "alerts"].contains(name) ? Usage.notifyAlways : Usage.notify)
        }
        return .command(.notify(kinds: [kind], level: level))
    }

    private func emergency(_ arguments: [String]) -> Outcome {
        switch arguments.first?.lowercased() {
        case "stop":
            let reason = arguments.dropFirst().joined(separator: " ")
            return .command(.emergencyStop(reason: reason.isEmpty ? nil : reason))
        case "start" where arguments.count == 1:
            return .command(.emergencyStart)
        default:
            return .usage(Usage.emergency)
        }
    }

    private func breaker(_ arguments: [String]) -> Outcome {
        guard arguments.count == 2, arguments[0].lowercased() == "reset",
              let name = BreakerName(rawValue: arguments[1].lowercased()) else { return .usage(Usage.breakerReset) }
        return .command(.breakerReset(name))
    }

    /// The usage line of each command, shown on bad arguments and in `/help`.
    public enum Usage {
        public static let alfa = "/alfa top50 [7d|30d|all] · /alfa trader 0xADDRESS|RANK|0xPREFIX"
        public static let top = "/alfa topN [7d|30d|all] — N from 1 to \(maxTop), e.g. /alfa top50 7d"
        public static let trader = "/alfa trader 0xADDRESS|RANK|0xPREFIX — an address, a rank of the 30d board (1 to \(maxTop), or /t3), "
            + "or the address's first \(TraderReference.minimumPrefix)+ hex digits (0x6224, or 0x6224…d8e6 as the board shows it)"
        public static let watch = "/watch 0xADDRESS|RANK|0xPREFIX · /unwatch 0xADDRESS|RANK|0xPREFIX · /watchlist"
        public static let backtest = "/copy backtest 0xADDRESS|RANK|0xPREFIX [7d|30d|all]"
        public static let copyMode = "/copy mode DRY|LIVE"
        public static let copy = "/copy mode DRY|LIVE · /copy status · /copy follow|unfollow 0xADDRESS · /copy list · /copy pnl · /copy pause|resume · /copy close ID|SYMBOL|all · /copy set 0xADDRESS|RANK key=value … · /copy backtest 0xADDRESS|RANK [7d|30d|all]"
        public static let copyClose = "/copy close ID|SYMBOL|all — ID as /copy pnl lists it (#12), SYMBOL a pair such as BTC or ETH/USD"
        public static let copyFollow = "/copy follow 0xADDRESS · /copy unfollow 0xADDRESS — a 40-hex-digit address"
        public static let emergency = "/emergency stop [reason] · /emergency start"
        public static let notify = "/notify · /notify KIND on|silent|off — KIND is one of "
            + NoticeKind.allCases.map(\.rawValue).joined(separator: ", ") + ", or all"
        public static let notifyAlways = "Breakers, the emergency stop and stalls always reach admins: they cannot be turned off. " + notify
        public static let status = "/status"
        public static let breakers = "/breakers"
        public static let report = "/report daily|weekly"
        public static let breakerReset = "/breaker reset NAME — NAME is one of "
            + BreakerName.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
