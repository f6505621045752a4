import AlfaCore
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

/// The answer to a pressed button: a short toast, the question's new text (buttons removed;
/// nil leaves the question open), and a reply when something was done.
public struct ButtonOutcome: Sendable, Equatable {
    public var toast: String
    public var questionText: String?
    public var reply: ChatReply?
}

/// Parses, authorizes, rate-limits, executes and audits chat commands; the same for
/// Telegram and the console. Admins are recognised by user id only, never by chat.
public actor ChatRouter {
    private let parser: CommandParser
    private let admins: Set<Int64>
    private let pool: PostgresPool
    private let gates: EligibilityGates
    private let maxMarkAge: Int64
    private let control: (any ExecutionControl)?
    private let configured: ExecutionState
    private let startedAt: Int64
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private var limiter = RateLimiter()
    private var confirmations = ConfirmationBook()
    private var random = SystemRandomNumberGenerator()

    public init(botUsername: String?, admins: Set<Int64>, pool: PostgresPool, settings: Settings,
                control: (any ExecutionControl)? = nil, logger: Logger,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        parser = CommandParser(botUsername: botUsername)
        self.admins = admins
        self.pool = pool
        gates = EligibilityGates(settings.leaderboard)
        maxMarkAge = settings.prices.maxAgeSeconds
        self.control = control
        startedAt = Int64(clock())
        // Until the mode manager runs, the mode is what the environment says.
        configured = ExecutionState(mode: settings.execution.mode, emergencyStop: settings.execution.emergencyStop,
                                            changedBy: .environment, changedAt: startedAt, reason: nil)
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

    /// A pressed inline button (the LIVE confirmation, a close).
    public func press(_ input: ChatInput) async -> ButtonOutcome {
        guard let (token, confirm) = ConfirmationBook.parseCallback(input.text) else {
            return ButtonOutcome(toast: "This button is no longer valid.", questionText: "This question is closed.")
        }
        let resolution = confirmations.answer(token: token, confirm: confirm, user: input.userID, now: clock())
        let note = ChatReplies.confirmation(resolution)
        switch resolution {
        case .confirmed(.goLive):
            let reply = await control?.setMode(.live, by: input.userID) ?? ChatReplies.notAvailableYet(.copyMode(.live))
            await audit(input, .copyMode(.live), allowed: true, result: "confirmed: " + String(reply.plainText.prefix(280)))
            return ButtonOutcome(toast: note, questionText: "LIVE was confirmed by \(input.userID).", reply: reply)
        case .confirmed(.close(let target)):
            let reply = await control?.closePositions(target, by: input.userID) ?? ChatReplies.notAvailableYet(.copyClose(target))
            await audit(input, .copyClose(target), allowed: true, result: "confirmed: " + String(reply.plainText.prefix(280)))
            return ButtonOutcome(toast: note, questionText: "The close was confirmed by \(input.userID).", reply: reply)
        case .cancelled(let action):
            await audit(input, action.command, allowed: true, result: "cancelled at confirmation")
            return ButtonOutcome(toast: note, questionText: note)
        case .notYours:
            return ButtonOutcome(toast: note, questionText: nil)
        case .expired, .unknown:
            return ButtonOutcome(toast: note, questionText: note)
        }
    }

    private func execute(_ command: ChatCommand, input: ChatInput, isAdmin: Bool) async -> ChatReply {
        let admin = input.userID
        do {
            switch command {
            case .start: return ChatReplies.welcome(isAdmin: isAdmin)
            case .help: return ChatReplies.help(isAdmin: isAdmin)
            case .top(let count, let window): return try await top(count, window: window)
            case .trader(let address): return try await trader(address)
            case .status: return await status()
            case .copyMode(let mode): return await withControl(command) { await self.copyMode(mode, input: input, control: $0) }
            case .copyStatus: return await withControl(command) { await $0.copyStatus() }
            case .copyFollow(let leader): return await withControl(command) { await $0.follow(leader, by: admin) }
            case .copyUnfollow(let leader): return await withControl(command) { await $0.unfollow(leader, by: admin) }
            case .copyList: return await withControl(command) { await $0.leaders() }
            case .copyPnL: return await withControl(command) { await $0.copyPnL() }
            case .copyPause: return await withControl(command) { await $0.setPaused(true, by: admin) }
            case .copyResume: return await withControl(command) { await $0.setPaused(false, by: admin) }
            case .copySet(let leader, let change): return await withControl(command) { await $0.leaderSettings(leader, change, by: admin) }
            case .copyClose(let target): return try await withControl(command) { try await self.askToClose(target, input: input, control: $0) }
            case .notify(let kinds, let level): return try await notify(kinds, level, user: admin)
            case .emergencyStop(let reason): return await withControl(command) { await $0.emergencyStop(by: admin, reason: reason) }
            case .emergencyStart: return await withControl(command) { await $0.emergencyStart(by: admin) }
            case .breakers: return await withControl(command) { await $0.breakers() }
            case .breakerReset(let name): return await withControl(command) { await $0.resetBreaker(name, by: admin) }
            case .report(let period): return await withControl(command) { await $0.report(period) }
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
        guard !positions.isEmpty else { return .plain("Nothing to close: no open copy position matches \(target) (see /copy pnl).") }
        let token = String(UInt64.random(in: 1...UInt64.max, using: &random), radix: 36)
        confirmations.ask(.close(target), token: token, user: input.userID, chat: input.chatID, now: clock())
        return ChatReplies.confirmClose(target, positions: positions, token: token, lifetimeSeconds: Int(confirmations.lifetimeSeconds))
    }

    private func copyMode(_ mode: ExecutionMode, input: ChatInput, control: any ExecutionControl) async -> ChatReply {
        guard mode == .live else { return await control.setMode(.dry, by: input.userID) }
        if let blocker = await control.liveBlocker() { return .plain("LIVE cannot be switched on: \(blocker)") }
        let token = String(UInt64.random(in: 1...UInt64.max, using: &random), radix: 36)
        confirmations.ask(.goLive, token: token, user: input.userID, chat: input.chatID, now: clock())
        return ChatReplies.confirmLive(token: token, lifetimeSeconds: Int(confirmations.lifetimeSeconds))
    }

    private func top(_ count: Int, window: TimeWindow) async throws -> ChatReply {
        guard let stored = try await LeaderboardQueries.top(count, window: window, pool: pool) else { return ChatReplies.noLeaderboard }
        return ChatReply(html: LeaderboardText.table(stored.rows[...], window: window, asOf: stored.info.asOf,
                                                     eligible: stored.info.eligible, style: .telegramHTML))
    }

    private func trader(_ address: EVMAddress) async throws -> ChatReply {
        let control = self.control
        let report = try await LeaderboardQueries.trader(address, asOf: Int64(clock()), gates: gates, pool: pool,
                                                         feed: { await control?.marks(for: $0) ?? [:] }, maxMarkAge: maxMarkAge)
        return ChatReply(html: report.text(style: .telegramHTML))
    }

    private func status() async -> ChatReply {
        let started = clock()
        var databaseProblem: String?
        var indexer: StatusReport.Indexer?
        var computedAt: Int64?
        do {
            indexer = try await IndexerStatus.read(pool)
            computedAt = try await pool.withConnection { try LeaderboardRepository().latest(on: $0)?.computedAt.unixSeconds }
        } catch {
            databaseProblem = "\(error)"
        }
        let milliseconds = Int(((clock() - started) * 1000).rounded())
        let lines = await control?.statusLines()
        var report = StatusReport(
            now: Int64(clock()), execution: await control?.execution() ?? configured, indexer: indexer,
            leaderboardComputedAt: computedAt, breakers: lines?.breakers, openCopyPositions: lines?.openPositions,
            copyPaused: lines?.paused,
            startedAt: startedAt, version: AlfaVersion.current, databaseProblem: databaseProblem,
            databaseMilliseconds: databaseProblem == nil ? milliseconds : nil)
        report.prices = lines?.prices
        return ChatReply(html: report.html)
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
