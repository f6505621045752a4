@testable import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTelegram
import Foundation
import Testing

/// A bot wired to the fake Bot API server and a fresh migrated database.
final class BotHarness: Sendable {
    static let admin: Int64 = 1001
    static let secondAdmin: Int64 = 1002
    static let user: Int64 = 2002
    static let alertGroup: Int64 = -100500
    /// No pacing: for tests about behaviour, not about flood limits.
    static let unpaced = FloodPacer.Limits(perChatInterval: 0, perGroupPerMinute: 100_000, overallPerSecond: 100_000)

    let fake: FakeTelegram
    let pool: PostgresPool
    let logs = LogCapture()
    let settings: Settings

    init(fake: FakeTelegram? = nil, pool: PostgresPool? = nil, pollTimeout: Int = 1, enforceFlood: Bool = false,
         _ extra: [String: String] = [:]) async throws {
        let fake = if let fake { fake } else { try await FakeTelegram() }
        self.fake = fake
        if let pool { self.pool = pool } else { self.pool = try await AlfaBinary.migratedPool() }
        var values = [
            "TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_API_BASE": fake.base,
            "TELEGRAM_ADMIN_IDS": "\(Self.admin),\(Self.secondAdmin)", "TELEGRAM_ALERT_CHAT_IDS": "\(Self.alertGroup)",
            "TELEGRAM_POLL_TIMEOUT": "\(pollTimeout)",
        ]
        values.merge(extra) { _, new in new }
        settings = try Settings(lookup: { values[$0] })
        try await fake.control("flood", #"{"enforce":\#(enforceFlood)}"#)
    }

    func bot(control: (any ExecutionControl)? = nil, limits: FloodPacer.Limits = BotHarness.unpaced,
             token: String = FakeTelegram.token, charts: ChartDelivery? = nil,
             onUpdate: @escaping @Sendable (Int64) -> Void = { _ in }) -> TelegramBot {
        TelegramBot(settings: settings, token: Secret(token), pool: pool, control: control, limits: limits,
                    logger: logs.logger, charts: charts, onUpdate: onUpdate)
    }

    func start(_ bot: TelegramBot) -> Task<Void, any Error> {
        Task { try await bot.run() }
    }

    /// Stops a running bot and checks that nothing it logged holds the token.
    func stop(_ task: Task<Void, any Error>) async {
        task.cancel()
        _ = await task.result
        #expect(!logs.all.contains { $0.contains(FakeTelegram.token) || $0.contains("AAH-test-token") })
    }

    /// Messages `chat` received so far, as the user sees them (a chart after its text is not one).
    func replies(to chat: Int64, atLeast count: Int, seconds: Double = 20) async throws -> [String] {
        try await fake.waitForSent(atLeast: count, seconds: seconds) { $0.chat_id == chat && !($0.photo == true && $0.visible.isEmpty) }
            .map(\.visible)
    }

    func audit() async throws -> [AuditEntry] {
        try await pool.withConnection { try AuditRepository().recent(100, on: $0) }.reversed()
    }

    /// 60 traders' fills and a stored snapshot; returns the snapshot's 30-day leader.
    func seedLeaderboard(traders: Int = 60) async throws -> EVMAddress {
        var generator = FillGenerator(seed: 5, traderCount: traders, secondsPerFill: 60, openPositionsTarget: 60)
        let fills = generator.generate(count: traders * 100)
        try await pool.transaction { try FillRepository().insert(fills, on: $0) }
        let gates = EligibilityGates(minTrades30d: 5, minVolume30d: 10_000_000_000, activeHours: 72)
        _ = try await LeaderboardRefresher(pool: pool, gates: gates).refresh(asOf: generator.time)
        let top = try await LeaderboardQueries.top(1, window: .thirtyDays, pool: pool)
        return try #require(top?.rows.first?.trader)
    }
}

/// Stands in for the execution-mode manager (issue 6) and records what the router asked of it.
actor RecordingControl: ExecutionControl {
    private(set) var calls: [String] = []
    private var mode = ExecutionMode.dry
    private var stopped = false
    var blocker: String?

    func block(_ reason: String?) { blocker = reason }

    func execution() -> ExecutionState {
        ExecutionState(mode: mode, emergencyStop: stopped, changedBy: .environment, changedAt: 0, reason: nil)
    }

    func liveBlocker() -> String? { blocker }

    func setMode(_ mode: ExecutionMode, by admin: Int64) -> ControlOutcome {
        calls.append("mode \(mode.rawValue) by \(admin)")
        self.mode = mode
        return .modeChanged(mode)
    }

    func emergencyStop(by admin: Int64, reason: String?) -> ControlOutcome {
        calls.append("stop by \(admin): \(reason ?? "-")")
        stopped = true
        return .stopEngaged(alreadyAccepted: 0)
    }

    func emergencyStart(by admin: Int64) -> ControlOutcome {
        calls.append("start by \(admin)")
        stopped = false
        return .stopCleared
    }

    func copyStatus() -> ControlOutcome {
        .copyStatus(CopyStatus(state: execution(), leaders: 0, performance: CopyPerformance(), wallet: nil))
    }

    func follow(_ leader: EVMAddress, by admin: Int64) -> ControlOutcome {
        calls.append("follow \(leader) by \(admin)")
        return .following(leader)
    }

    func unfollow(_ leader: EVMAddress, by admin: Int64) -> ControlOutcome {
        calls.append("unfollow \(leader) by \(admin)")
        return .unfollowed(leader)
    }

    func leaders() -> ControlOutcome { .leaders([], own: [:]) }
    func copyPnL() -> ControlOutcome { .failed("the copy PnL") }
    func breakers() -> ControlOutcome { .breakers([]) }
    func leaderSettings(_ leader: TraderReference, _ change: LeaderSettings.Change, by admin: Int64) -> ControlOutcome {
        calls.append("set \(leader) by \(admin)")
        return .refused("recorded only")
    }

    func marks(for pairs: Set<Int32>) -> [Int32: Mark] { [:] }

    func positionsToClose(_ target: CloseTarget) -> [String] { target == .all ? ["#1 BTC/USD long 100.00 USDC ×10.0 DRY"] : [] }

    func closePositions(_ target: CloseTarget, by admin: Int64) -> ControlOutcome {
        calls.append("close \(target) by \(admin)")
        return .closing(["#1 BTC/USD long closing"])
    }

    func resetBreaker(_ name: BreakerName, by admin: Int64) -> ControlOutcome {
        calls.append("reset \(name.rawValue) by \(admin)")
        return .breakerReset(name, wasOpen: true)
    }

    func statusLines() -> (breakers: [String], openPositions: Int, paused: String?, prices: String?) {
        (["drawdown 1% of 15% · closed"], 3, paused ? "paused by admin 1001 0s ago: new opens skipped, exits mirrored" : nil, "Pyth Hermes")
    }
    private(set) var paused = false
    func setPaused(_ paused: Bool, by admin: Int64) -> ControlOutcome {
        self.paused = paused
        calls.append("\(paused ? "pause" : "resume") by \(admin)")
        return .paused(paused)
    }

    func report(_ period: PerformanceReport.Period) -> ControlOutcome {
        calls.append("report \(period.rawValue)")
        return .failed("the \(period.rawValue) report")
    }
}
