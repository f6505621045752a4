import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// One chat message or button press, wherever it came from (Telegram or the console).
public struct ChatInput: Sendable {
    public var userID: Int64
    public var chatID: Int64
    public var text: String
    public var source: AuditEntry.Source

    public init(userID: Int64, chatID: Int64, text: String, source: AuditEntry.Source) {
        self.userID = userID
        self.chatID = chatID
        self.text = text
        self.source = source
    }
}

/// The answer to a pressed button: a short toast, the pressed message's new content (edited in
/// place; nil leaves it as it is), and a new message when there is something to show.
public struct ButtonOutcome: Sendable, Equatable {
    public var toast: String
    public var edit: ChatReply?
    public var reply: ChatReply?

    public init(toast: String, edit: ChatReply? = nil, reply: ChatReply? = nil) {
        self.toast = toast
        self.edit = edit
        self.reply = reply
    }

    /// An answered question: its text replaces the question, without buttons.
    static func closing(_ toast: String, question: String, reply: ChatReply? = nil) -> ButtonOutcome {
        ButtonOutcome(toast: toast, edit: .plain(question), reply: reply)
    }
}

/// Parses, authorizes, rate-limits, executes and audits chat commands; the same for
/// Telegram and the console. Admins are recognised by user id only, never by chat.
public actor ChatRouter {
    private let parser: CommandParser
    private let admins: Set<Int64>
    private let pool: PostgresPool
    private let gates: EligibilityGates
    private let maxMarkAge: Int64
    private let watchLimit: Int
    private let copySettings: Settings.Copy
    private let control: (any ExecutionControl)?
    private let configured: Settings.Execution
    private let startedAt: Int64
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private var limiter = RateLimiter()
    private var confirmations = ConfirmationBook()
    private var random = SystemRandomNumberGenerator()

    public init(botUsername: String?, admins: Set<Int64>, pool: PostgresPool,
                leaderboard: Settings.Leaderboard, copy: Settings.Copy, execution: Settings.Execution,
                maxMarkAge: Int64, watchLimit: Int,
                control: (any ExecutionControl)? = nil, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        parser = CommandParser(botUsername: botUsername)
        self.admins = admins
        self.pool = pool
        gates = EligibilityGates(leaderboard)
        self.maxMarkAge = maxMarkAge
        self.watchLimit = watchLimit
        copySettings = copy
        self.control = control
        startedAt = Int64(clock())
        configured = execution
        self.logger = logger
        self.clock = clock
    }

    public func isAdmin(_ user: Int64) -> Bool { admins.contains(user) }

    /// The replies to one message, in order; empty when the message is not for this bot.
    public func handle(_ input: ChatInput) async -> [ChatReply] {
        let command: ChatCommand
        switch parser.parse(input.text) {
        case .ignored: return []
        case .unknown(let name): return [ChatReplies.unknown(name)]
        case .usage(let line): return [ChatReplies.usage(line)]
        case .command(let parsed): command = parsed
        }
        let admin = isAdmin(input.userID)
        if command.requiresAdmin, !admin {
            await audit(input, command, allowed: false, result: "refused: not an admin")
            return [ChatReplies.notAllowed(command)]
        }
        if command.isExpensive, case .wait(let seconds) = limiter.check(user: input.userID, now: clock()) {
            return [ChatReplies.rateLimited(waitSeconds: seconds)]
        }
        let reply = await execute(command, input: input, isAdmin: admin)
        if command.requiresAdmin {
            await audit(input, command, allowed: true, result: String(reply.plainText.prefix(300)))
        }
        return [reply]
    }

    /// A pressed inline button. Its data is parsed and checked: a forged one changes nothing.
    public func press(_ input: ChatInput) async -> ButtonOutcome {
        guard let press = ButtonPress(data: input.text) else {
            logger.notice("refused a button press with unknown data", metadata: ["user": "\(input.userID)", "bytes": "\(input.text.utf8.count)"])
            return ButtonOutcome(toast: "This button is not valid.")
        }
        // A confirmation is never held back: it answers a question the bot asked.
        if press.isRateLimited, case .wait(let seconds) = limiter.check(user: input.userID, now: clock()) {
            return ButtonOutcome(toast: "One moment, please: try again in \(seconds) s.")
        }
        let admin = isAdmin(input.userID)
        do {
            switch press {
            case .confirmation(let token, let confirm):
                return await answer(token: token, confirm: confirm, input: input)
            case .board(let snapshot, let window, let count, let page):
                guard let board = try await board(count, window: window, page: page, snapshot: snapshot) else {
                    return ButtonOutcome(toast: "The leaderboard is not computed yet.")
                }
                return ButtonOutcome(toast: board.movedOn ? Self.movedOn : "", edit: board.reply)
            case .open(let snapshot, let window, let count, let rank):
                guard let latest = try await pool.withConnection({ try LeaderboardRepository().latest(on: $0) }) else {
                    return ButtonOutcome(toast: "The leaderboard is not computed yet.")
                }
                guard latest.id == snapshot else {
                    let board = try await board(count, window: window, page: (rank - 1) / BoardPage.size, snapshot: nil)
                    return ButtonOutcome(toast: Self.movedOn, edit: board?.reply)
                }
                let row = try await pool.withConnection {
                    try LeaderboardRepository().top(rank, window: window, snapshot: snapshot, on: $0).last
                }
                guard let row, row.rank == rank else { return ButtonOutcome(toast: "Nobody is at rank \(rank) any more.") }
                return ButtonOutcome(toast: "", reply: try await card(row.trader, user: input.userID, isAdmin: admin))
            case .chart(let trader, let window):
                return ButtonOutcome(toast: "Drawing the chart…", reply: try await chart(trader, window: window))
            case .watch(let trader):
                return ButtonOutcome(toast: Self.toast(try await watch(trader, input: input)))
            case .unwatch(let trader):
                return ButtonOutcome(toast: Self.toast(try await unwatch(trader, user: input.userID)))
            case .backtest(let trader):
                return ButtonOutcome(toast: "Backtesting 30 days…", reply: try await backtest(trader, window: .thirtyDays))
            case .follow(let trader):
                guard admin else {
                    await audit(input, .copyFollow(trader), allowed: false, result: "refused: not an admin")
                    return ButtonOutcome(toast: "Following is for admins only.")
                }
                let reply = await acting(.copyFollow(trader)) { await $0.follow(trader, by: input.userID) }
                await audit(input, .copyFollow(trader), allowed: true, result: String(reply.plainText.prefix(300)))
                return ButtonOutcome(toast: "Done.", reply: reply)
            }
        } catch {
            logger.error("button failed", metadata: ["button": "\(input.text)", "error": "\(error)"])
            return ButtonOutcome(toast: "Sorry, that failed; try again shortly.")
        }
    }

    static let movedOn = "This board has moved on: here is the latest."

    /// A reply as a button's toast: Telegram shows at most 200 characters.
    private static func toast(_ reply: ChatReply) -> String { String(reply.plainText.prefix(200)) }

    /// The LIVE confirmation or a close.
    private func answer(token: String, confirm: Bool, input: ChatInput) async -> ButtonOutcome {
        let resolution = confirmations.answer(token: token, confirm: confirm, user: input.userID, now: clock())
        let note = ChatReplies.confirmation(resolution)
        switch resolution {
        case .confirmed(.goLive):
            let reply = await acting(.copyMode(.live)) { await $0.setMode(.live, by: input.userID) }
            await audit(input, .copyMode(.live), allowed: true, result: "confirmed: " + String(reply.plainText.prefix(280)))
            return .closing(note, question: "LIVE was confirmed by \(input.userID).", reply: reply)
        case .confirmed(.close(let target)):
            let reply = await acting(.copyClose(target)) { await $0.closePositions(target, by: input.userID) }
            await audit(input, .copyClose(target), allowed: true, result: "confirmed: " + String(reply.plainText.prefix(280)))
            return .closing(note, question: "The close was confirmed by \(input.userID).", reply: reply)
        case .cancelled(let action):
            await audit(input, action.command, allowed: true, result: "cancelled at confirmation")
            return .closing(note, question: note)
        case .notYours:
            return ButtonOutcome(toast: note)
        case .expired, .unknown:
            return .closing(note, question: note)
        }
    }

    private func execute(_ command: ChatCommand, input: ChatInput, isAdmin: Bool) async -> ChatReply {
        let admin = input.userID
        do {
            switch command {
            case .start: return ChatReplies.welcome(isAdmin: isAdmin)
            case .help: return ChatReplies.help(isAdmin: isAdmin)
            case .top(let count, let window):
                return try await board(count, window: window, page: 0, snapshot: nil)?.reply ?? ChatReplies.noLeaderboard
            case .trader(let reference):
                return try await TraderLookup.withTrader(reference, pool: pool) { try await self.card($0, user: admin, isAdmin: isAdmin) }
            case .watch(let reference):
                return try await TraderLookup.withTrader(reference, pool: pool) { try await self.watch($0, input: input) }
            case .unwatch(let reference):
                // Among the traders this user watches first: a prefix of one of them is enough.
                if case .abbreviated = reference { return try await unwatch(matching: reference, user: admin) }
                return try await TraderLookup.withTrader(reference, pool: pool) { try await self.unwatch($0, user: admin) }
            case .watchlist: return try await watchlist(user: admin)
            case .copyBacktest(let reference, let window):
                return try await TraderLookup.withTrader(reference, pool: pool) { try await self.backtest($0, window: window) }
            case .status: return await status()
            case .copyMode(let mode): return await withControl(command) { await self.copyMode(mode, input: input, control: $0) }
            case .copyStatus: return await acting(command) { await $0.copyStatus() }
            case .copyFollow(let leader): return await acting(command) { await $0.follow(leader, by: admin) }
            case .copyUnfollow(let leader): return await acting(command) { await $0.unfollow(leader, by: admin) }
            case .copyList: return await acting(command) { await $0.leaders() }
            case .copyPnL: return await acting(command) { await $0.copyPnL() }
            case .copyPause: return await acting(command) { await $0.setPaused(true, by: admin) }
            case .copyResume: return await acting(command) { await $0.setPaused(false, by: admin) }
            case .copySet(let leader, let change): return await acting(command) { await $0.leaderSettings(leader, change, by: admin) }
            case .copyClose(let target): return try await withControl(command) { try await self.askToClose(target, input: input, control: $0) }
            case .notify(let kinds, let level): return try await notify(kinds, level, user: admin)
            case .emergencyStop(let reason): return await acting(command) { await $0.emergencyStop(by: admin, reason: reason) }
            case .emergencyStart: return await acting(command) { await $0.emergencyStart(by: admin) }
            case .breakers: return await acting(command) { await $0.breakers() }
            case .breakerReset(let name): return await acting(command) { await $0.resetBreaker(name, by: admin) }
            case .report(let period): return await acting(command) { await $0.report(period) }
            }
        } catch {
            logger.error("chat command failed", metadata: ["command": "\(command.canonical)", "error": "\(error)"])
            return ChatReplies.failed(command.canonical)
        }
    }

    /// Commands that act on the mode manager; without one they are "not available yet".
    private func withControl(_ command: ChatCommand, _ body: (any ExecutionControl) async throws -> ChatReply) async rethrows -> ChatReply {
        guard let control else { return ChatReplies.notAvailableYet(command) }
        return try await body(control)
    }

    /// A command the control performs; its outcome in words.
    private func acting(_ command: ChatCommand, _ body: (any ExecutionControl) async -> ControlOutcome) async -> ChatReply {
        guard let control else { return ChatReplies.notAvailableYet(command) }
        return ChatReplies.render(await body(control))
    }

    /// `/notify`: the caller's own choices, shown or changed.
    private func notify(_ kinds: [NoticeKind], _ level: NoticeLevel?, user: Int64) async throws -> ChatReply {
        let preferences = try await pool.transaction { connection in
            if let level { try NoticeRepository().setLevel(level, of: kinds, for: user, on: connection) }
            return try NoticeRepository().preferences(on: connection)[user] ?? NoticePreferences()
        }
        return ChatReply(html: preferences.html)
    }

    /// `/copy close`: the positions it takes, and a button to confirm (nothing is closed before).
    private func askToClose(_ target: CloseTarget, input: ChatInput, control: any ExecutionControl) async throws -> ChatReply {
        let positions = try await control.positionsToClose(target)
        guard !positions.isEmpty else { return ChatReplies.render(.nothingToClose(target)) }
        let token = String(UInt64.random(in: 1...UInt64.max, using: &random), radix: 36)
        confirmations.ask(.close(target), token: token, user: input.userID, chat: input.chatID, now: clock())
        return ChatReplies.confirmClose(target, positions: positions, token: token, lifetimeSeconds: Int(confirmations.lifetimeSeconds))
    }

    private func copyMode(_ mode: ExecutionMode, input: ChatInput, control: any ExecutionControl) async -> ChatReply {
        guard mode == .live else { return ChatReplies.render(await control.setMode(.dry, by: input.userID)) }
        if let blocker = await control.liveBlocker() { return .plain("LIVE cannot be switched on: \(blocker)") }
        let token = String(UInt64.random(in: 1...UInt64.max, using: &random), radix: 36)
        confirmations.ask(.goLive, token: token, user: input.userID, chat: input.chatID, now: clock())
        return ChatReplies.confirmLive(token: token, lifetimeSeconds: Int(confirmations.lifetimeSeconds))
    }

    /// A page of the latest board. `snapshot`: the board the pressed button was drawn from
    /// (`movedOn` when a newer one is stored), nil for a command.
    private func board(_ count: Int, window: TimeWindow, page: Int, snapshot: Int64?) async throws -> (reply: ChatReply, movedOn: Bool)? {
        guard let stored = try await LeaderboardQueries.top(count, window: window, pool: pool) else { return nil }
        let movedOn = snapshot.map { $0 != stored.info.id } ?? false
        let reply = BoardPage.reply(stored.rows, snapshot: stored.info.id, window: window, count: count, page: movedOn ? 0 : page,
                                    asOf: stored.info.asOf, eligible: stored.info.eligible)
        return (reply, movedOn)
    }

    /// A trader's card, its buttons and its 30-day equity chart.
    private func card(_ trader: EVMAddress, user: Int64, isAdmin: Bool) async throws -> ChatReply {
        let report = try await traderReport(trader)
        let watching = try await pool.withConnection { try WatchRepository().isWatching(trader, user: user, on: $0) }
        return ChatReply(html: report.text(style: .telegramHTML),
                         keyboard: BoardPage.cardKeyboard(trader, watching: watching, isAdmin: isAdmin),
                         chart: report.chart(window: .thirtyDays))
    }

    private func chart(_ trader: EVMAddress, window: TimeWindow) async throws -> ChatReply {
        let report = try await traderReport(trader)
        let chart = report.chart(window: window)
        return ChatReply(html: "<b>\(TelegramHTML.escape(chart.title))</b>", chart: chart)
    }

    private func traderReport(_ trader: EVMAddress) async throws -> LeaderboardQueries.TraderReport {
        let control = self.control
        return try await LeaderboardQueries.trader(trader, asOf: Int64(clock()), gates: gates, pool: pool,
                                                   feed: { await control?.marks(for: $0) ?? [:] }, maxMarkAge: maxMarkAge)
    }

    // MARK: Watchlists

    private func watch(_ trader: EVMAddress, input: ChatInput) async throws -> ChatReply {
        let limit = watchLimit
        let outcome = try await pool.transaction {
            try WatchRepository().watch(trader, user: input.userID, chat: input.chatID, limit: limit, on: $0)
        }
        return .plain(WatchReplies.watched(trader, outcome: outcome, limit: limit))
    }

    private func unwatch(_ trader: EVMAddress, user: Int64) async throws -> ChatReply {
        let removed = try await pool.withConnection { try WatchRepository().unwatch(trader, user: user, on: $0) }
        return .plain(removed ? "No longer watching \(trader.short)." : "You are not watching \(trader.short). /watchlist shows whom you watch.")
    }

    private func unwatch(matching reference: TraderReference, user: Int64) async throws -> ChatReply {
        let matches = try await pool.withConnection { try WatchRepository().watched(by: user, on: $0) }.filter(reference.matches)
        guard matches.count == 1 else {
            return .plain(matches.isEmpty ? "You are not watching \(reference). /watchlist shows whom you watch."
                          : "\(reference) matches \(matches.count) traders you watch: add digits.")
        }
        return try await unwatch(matches[0], user: user)
    }

    private func watchlist(user: Int64) async throws -> ChatReply {
        let watched = try await pool.withConnection { try WatchRepository().watched(by: user, on: $0) }
        return ChatReply(html: WatchReplies.list(watched, limit: watchLimit))
    }

    // MARK: Backtests

    private func backtest(_ trader: EVMAddress, window: TimeWindow) async throws -> ChatReply {
        let now = Int64(clock())
        let result = try await BacktestQueries.run(trader, since: window.start(asOf: now), until: now, copy: copySettings, pool: pool)
        return ChatReply(html: result.html(window: window.rawValue), chart: result.chart)
    }

    private func status() async -> ChatReply {
        ChatReply(html: await StatusQueries.read(pool: pool, control: control, configured: configured, startedAt: startedAt,
                                                 clock: clock).html)
    }

    private func audit(_ input: ChatInput, _ command: ChatCommand, allowed: Bool, result: String) async {
        let entry = AuditEntry(userID: input.userID, chatID: input.chatID, source: input.source,
                               command: command.canonical, allowed: allowed, result: result)
        logger.notice("admin command", metadata: [
            "user": "\(input.userID)", "chat": "\(input.chatID)", "command": "\(command.canonical)",
            "allowed": "\(allowed)", "result": "\(result)"])
        do {
            try await pool.withConnection { try AuditRepository().record(entry, on: $0) }
        } catch {
            logger.error("audit log write failed", metadata: ["error": "\(error)"])
        }
    }
}
