import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

/// Two `alfa serve` replicas on one bot token and one database: one polls Telegram, the other
/// stands by (no 409 between them), alerts stored by any replica reach the admins through the
/// poller, and when the poller dies the other takes over.
@Suite("Telegram across replicas (alfa serve)", .postgres)
struct TelegramReplicaTests {
    static func pollerLocks(_ pool: PostgresPool) async throws -> Int64 {
        try await pool.withConnection {
            try $0.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                         + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                         + "AND (classid::bigint << 32 | objid::bigint) = $1", [TelegramRepository.pollerLockKey])[0].decode(0)
        }
    }

    @Test func onePollerAtATimeAlertsFromAnyReplicaAndATakeover() async throws {
        let fake = try await FakeTelegram()
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let values = ["DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_API_BASE": fake.base,
                      "TELEGRAM_ADMIN_IDS": "1001", "TELEGRAM_POLL_TIMEOUT": "2"]
        // The first replica takes the bot; the second, started after, stands by.
        let first = try AlfaBinary.start(["serve"], values)
        defer { first.signal(SIGKILL) }
        let pool = PostgresPool(configuration: .init(url: url, size: 1))
        try await closing(pool) { pool in
            let locks = try await eventually({ try await Self.pollerLocks(pool) }, until: { $0 == 1 })
            #expect(locks == 1)
            let second = try AlfaBinary.start(["serve"], values)
            defer { second.signal(SIGKILL) }

            try await fake.say("/help", from: 1001)
            #expect(try await fake.waitForSent(atLeast: 1).count == 1)
            // Several long polls later, still one poller and one answer per message.
            try await Task.sleep(for: .seconds(5))
            try await fake.say("/start", from: 1001)
            #expect(try await fake.waitForSent(atLeast: 2).count == 2)
            #expect(try await Self.pollerLocks(pool) == 1)

            // An alert stored by a replica that does not poll is delivered by the one that does.
            try await pool.withConnection {
                _ = try TelegramRepository().addAlert(chat: 1001, text: "⚠️ <b>raised on the other replica</b>", on: $0)
            }
            let alerted = try await fake.waitForSent(atLeast: 3) { $0.visible.contains("raised on the other replica") }
            #expect(alerted.count == 1)

            // The poller dies: the other replica takes over, answers, and does not resend the alert.
            first.signal(SIGKILL)
            let killed = try await BlockingWorker(name: "alfa-serve").run { first.wait() }
            try await Task.sleep(for: .seconds(1))
            let locksAfter = try await eventually({ try await Self.pollerLocks(pool) }, until: { $0 == 1 })
            #expect(locksAfter == 1)
            try await fake.say("/help", from: 1001)
            let after = try await fake.waitForSent(atLeast: 4, seconds: 30)
            let raised = after.filter { $0.visible.contains("raised on the other replica") }
            #expect(after.count == 4 && raised.count == 1)
            second.signal(SIGTERM)
            let standby = try await BlockingWorker(name: "alfa-serve").run { second.wait() }
            #expect(standby.status == 0)
            #expect(standby.errorOutput.contains("telegram bot on standby") && standby.errorOutput.contains("this replica runs the telegram bot"))
            #expect(!(standby.errorOutput + killed.errorOutput).contains("Conflict"), "two pollers met")
        }
    }
}
