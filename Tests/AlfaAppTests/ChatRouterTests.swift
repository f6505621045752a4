@testable import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The router and the console chat on a real PostgreSQL, with a clock the test turns.
@Suite("Chat router and console chat (PostgreSQL)", .postgres)
struct ChatRouterTests {
    final class TestClock: Sendable {
        let now = Mutex<Double>(1_800_000_000)
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Double { { self.now.withLock { $0 } } }
    }

    static func router(_ pool: PostgresPool, control: (any ExecutionControl)? = nil, clock: TestClock) throws -> ChatRouter {
        let settings = try Settings(lookup: { _ in nil })
        return ChatRouter(botUsername: "alfa_bot", admins: [1], pool: pool,
                          leaderboard: settings.leaderboard, copy: settings.copy, execution: settings.execution,
                          maxMarkAge: settings.prices.maxAgeSeconds, watchLimit: settings.telegram.watchMaxPerUser,
                          control: control, logger: Logger(label: "test.router"), clock: clock.read)
    }

    static func input(_ text: String, user: Int64 = 1) -> ChatInput {
        ChatInput(userID: user, chatID: user, text: text, source: .telegram)
    }

    @Test func aLiveConfirmationExpiresAfterSixtySeconds() async throws {
        let pool = try await AlfaBinary.migratedPool()
        let clock = TestClock()
        let control = RecordingControl()
        let router = try Self.router(pool, control: control, clock: clock)
        let ask = try #require(await router.handle(Self.input("/copy mode LIVE")).first)
        clock.advance(61)
        let late = await router.press(Self.input(ask.buttons[0].data))
        #expect(late.toast == "This question expired: send the command again." && late.reply == nil)
        #expect(await control.calls.isEmpty)

        let again = try #require(await router.handle(Self.input("/copy mode LIVE")).first)
        let cancelled = await router.press(Self.input(again.buttons[1].data))
        #expect(cancelled.toast == "Cancelled: the mode is unchanged.")
        let stale = await router.press(Self.input("confirm:forged"))
        #expect(stale.toast == "This question is no longer open.")
        #expect(await control.calls.isEmpty)
        let audit = try await pool.withConnection { try AuditRepository().recent(10, on: $0) }
        #expect(audit.contains { $0.result == "cancelled at confirmation" })
    }

    /// `/copy close` asks first, with the positions it takes; only the asker's confirmation closes,
    /// and both the close and a cancel are audited.
    @Test func aCloseIsConfirmedWithAButtonThenCarriedOut() async throws {
        let pool = try await AlfaBinary.migratedPool()
        let clock = TestClock()
        let control = RecordingControl()
        let router = try Self.router(pool, control: control, clock: clock)
        #expect(await router.handle(Self.input("/copy close btc")).first?.plainText.hasPrefix("Nothing to close") == true)
        let ask = try #require(await router.handle(Self.input("/copy close all")).first)
        #expect(ask.plainText.contains("Close 1 position(s) at market?\n#1 BTC/USD long") && ask.plainText.contains("even under the emergency stop"))
        #expect(ask.buttons.map(\.title) == ["Close all", "Cancel"])
        #expect(await router.press(Self.input(ask.buttons[0].data, user: 2)).toast == "Only the admin who asked can answer.")
        #expect(await control.calls.isEmpty)
        let done = await router.press(Self.input(ask.buttons[0].data))
        #expect(done.reply?.plainText == "Closing 1 position(s) at market:\n#1 BTC/USD long closing" && done.edit?.plainText == "The close was confirmed by 1.")
        #expect(await control.calls == ["close all by 1"])

        let again = try #require(await router.handle(Self.input("/copy close all")).first)
        #expect(await router.press(Self.input(again.buttons[1].data)).toast == "Cancelled: nothing was closed.")
        #expect(await control.calls == ["close all by 1"])
        let audit = try await pool.withConnection { try AuditRepository().recent(10, on: $0) }
        #expect(audit.contains { $0.command == "/copy close all" && $0.result.hasPrefix("confirmed: Closing 1") })
        #expect(audit.contains { $0.command == "/copy close all" && $0.result == "cancelled at confirmation" })
        #expect(await router.handle(Self.input("/copy close all", user: 2)).first?.plainText.contains("admin") == true)
    }

    @Test func expensiveCommandsAreRateLimitedPerUserWithAPoliteReply() async throws {
        let pool = try await AlfaBinary.migratedPool()
        let clock = TestClock()
        let router = try Self.router(pool, clock: clock)
        for _ in 0..<6 {
            let reply = await router.handle(Self.input("/alfa top5", user: 9))
            #expect(reply.first?.plainText.hasPrefix("The leaderboard has not been computed yet") == true)
        }
        let limited = await router.handle(Self.input("/alfa top5", user: 9))
        #expect(limited.first?.plainText == "One moment, please: you can ask for another report in 60 s.")
        // Cheap commands and other users are not limited.
        #expect(await router.handle(Self.input("/help", user: 9)).first?.plainText.contains("Commands") == true)
        #expect(await router.handle(Self.input("/alfa top5", user: 10)).first?.plainText.contains("not been computed") == true)
        clock.advance(61)
        #expect(await router.handle(Self.input("/alfa top5", user: 9)).first?.plainText.contains("not been computed") == true)
    }

    @Test func theConsoleChatNumbersButtonsAndPressesThem() async throws {
        let pool = try await AlfaBinary.migratedPool()
        let control = RecordingControl()
        let script = Mutex<[String]>(["/help", "", "/copy mode LIVE", "1", "/status", "/quit", "/help"])
        let output = Mutex<[String]>([])
        await ConsoleChat.run(settings: try Settings(lookup: { _ in nil }), pool: pool, asAdmin: true, control: control,
                              readLine: { script.withLock { $0.isEmpty ? nil : $0.removeFirst() } },
                              write: { line in output.withLock { $0.append(line) } })
        let lines = output.withLock { $0 }
        #expect(lines[0].hasPrefix("alfa console chat as admin"))
        #expect(lines[1].contains("/emergency stop [reason]"))
        #expect(lines[2].contains("Switch copying to LIVE?"))
        #expect(lines[3] == "  [1] Confirm LIVE     [2] Cancel")
        #expect(lines[4] == "Confirmed." && lines[5].hasPrefix("Copy mode is now LIVE: leader trades are signed"))
        #expect(lines[6].contains("mode: LIVE") && lines[6].contains("open copy positions: 3"))
        #expect(lines.count == 7)      // nothing after /quit
        #expect(await control.calls == ["mode LIVE by \(ConsoleChat.adminUser)"])
        let audit = try await pool.withConnection { try AuditRepository().recent(10, on: $0) }
        #expect(audit.allSatisfy { $0.source == .console && $0.userID == ConsoleChat.adminUser })
    }
}
