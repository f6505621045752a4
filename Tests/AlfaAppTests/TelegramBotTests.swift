@testable import AlfaApp
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaTelegram
import AlfaTestSupport
import Foundation
import Testing

/// The bot against the fake Bot API server and a real PostgreSQL.
@Suite("Telegram bot (fake Bot API server, PostgreSQL)", .postgres)
struct TelegramBotTests {
    typealias H = BotHarness

    @Test func everyCommandAsUserAndAsAdmin() async throws {
        let h = try await BotHarness()
        let leader = try await h.seedLeaderboard()
        let task = h.start(h.bot())
        let userCommands: [(String, String)] = [
            ("/start", "ranks every Avantis trader"),
            ("/help", "/alfa top50"),
            ("/alfa top5", "Top 5 · 30d"),
            ("/alfa trader \(leader)", "Trader \(leader)"),
            ("/alfa top0", "Usage: /alfa topN"),
            ("/pnl", "I don't know /pnl"),
            ("/status", "/status is for admins only"),
            ("/copy mode LIVE", "/copy mode LIVE is for admins only"),
            ("/emergency stop", "/emergency stop is for admins only"),
            ("/breaker reset drawdown", "/breaker reset drawdown is for admins only"),
        ]
        let adminCommands: [(String, String)] = [
            ("/status", "alfa status"),
            ("/status admin", "mode: DRY · emergency stop: off"),
            ("/copy mode DRY", "/copy mode DRY is not available yet"),
            ("/copy status", "/copy status is not available yet"),
            ("/emergency stop test run", "/emergency stop test run is not available yet"),
            ("/emergency start", "not available yet"),
            ("/breakers", "/breakers is not available yet"),
            ("/breaker reset drawdown", "not available yet"),
            ("/help@alfa_test_bot", "/emergency stop [reason]"),
        ]
        for (text, _) in userCommands { try await h.fake.say(text, from: H.user) }
        try await h.fake.say("/help@other_bot", from: H.user)     // for another bot: silence
        for (text, _) in adminCommands { try await h.fake.say(text, from: H.admin) }
        // In a group, authorization follows the sender, not the chat.
        try await h.fake.say("/status@alfa_test_bot", from: H.user, in: -100777)
        try await h.fake.say("/status@alfa_test_bot", from: H.admin, in: -100777)

        let userReplies = try await h.replies(to: H.user, atLeast: userCommands.count)
        #expect(userReplies.count == userCommands.count)
        for (reply, (command, expected)) in zip(userReplies, userCommands) {
            #expect(reply.contains(expected), "\(command) → \(reply)")
        }
        #expect(!userReplies[1].contains("/emergency"))
        let adminReplies = try await h.replies(to: H.admin, atLeast: adminCommands.count)
        for (reply, (command, expected)) in zip(adminReplies, adminCommands) {
            #expect(reply.contains(expected), "\(command) → \(reply)")
        }
        let groupReplies = try await h.replies(to: -100777, atLeast: 2)
        #expect(groupReplies.count == 2 && groupReplies[0].contains("for admins only") && groupReplies[1].contains("alfa status"))
        // The group's replies were queued after /help@other_bot was handled: had it been answered, it would show by now.
        #expect(try await h.fake.sent().filter { $0.chat_id == H.user && !($0.photo == true && $0.visible.isEmpty) }.count == userCommands.count)
        // The status shows every part.
        for part in ["indexer: not started", "leaderboard: computed", "breakers:", "open copy positions:", "database: healthy", "uptime", "version"] {
            #expect(adminReplies[0].contains(part), "status lacks \(part)")
        }

        let audit = try await h.audit()
        let refused = audit.filter { !$0.allowed }
        #expect(refused.map(\.command) == ["/status", "/copy mode LIVE", "/emergency stop", "/breaker reset drawdown", "/status"])
        #expect(refused.allSatisfy { $0.userID == H.user && $0.source == .telegram })
        let allowed = audit.filter(\.allowed)
        #expect(allowed.count == 9 && allowed.allSatisfy { $0.userID == H.admin })
        #expect(allowed.contains { $0.command == "/emergency stop test run" && $0.result.contains("not available yet") })
        #expect(allowed.last?.chatID == -100777)
        // The menu was published and the poll asks for exactly what the bot handles.
        let state = try await h.fake.state()
        #expect(state.allowed_updates == ["message", "callback_query"])
        await h.stop(task)
    }

    @Test func withAWebPublicURLTheMenuButtonOpensTheWebLeaderboardAsAMiniApp() async throws {
        let h = try await BotHarness(["WEB_PUBLIC_URL": "https://alfa.example.org/"])
        let task = h.start(h.bot())
        var button: FakeTelegram.MenuButton?
        for _ in 0..<100 where button == nil {
            button = try await h.fake.state().menu_button
            if button == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(button?.type == "web_app" && button?.web_app?.url == "https://alfa.example.org/" && button?.text == "Leaderboard")
        await h.stop(task)
        // Without it the button is the command list again (a URL removed from the settings is not left behind).
        let plain = try await BotHarness(fake: h.fake, pool: h.pool)
        let second = plain.start(plain.bot())
        for _ in 0..<100 where button?.type != "commands" {
            button = try await h.fake.state().menu_button
            if button?.type != "commands" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(button?.type == "commands")
        await plain.stop(second)
    }

    @Test func liveNeedsTheAskingAdminsConfirmation() async throws {
        let h = try await BotHarness()
        let control = RecordingControl()
        let task = h.start(h.bot(control: control))

        try await h.fake.say("/copy mode LIVE", from: H.admin)
        let question = try #require(try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.admin }.first)
        let buttons = try #require(question.reply_markup?.inline_keyboard.first)
        #expect(buttons.map(\.text) == ["Confirm LIVE", "Cancel"])
        #expect(question.visible.contains("expires in 60 s"))
        // Another admin cannot answer for the one who asked.
        try await h.fake.press(buttons[0].callback_data, by: H.secondAdmin, messageID: question.message_id)
        try await Task.sleep(for: .milliseconds(500))
        #expect(await control.calls.isEmpty)
        try await h.fake.press(buttons[0].callback_data, by: H.admin, messageID: question.message_id)
        let confirmed = try await h.replies(to: H.admin, atLeast: 2)
        #expect(confirmed[1] == ChatReplies.render(.modeChanged(.live)).plainText)
        #expect(await control.calls == ["mode LIVE by \(H.admin)"])
        let requests = try await h.fake.requests()
        #expect(requests.contains { $0.method == "answerCallbackQuery" && $0.body.text == "Only the admin who asked can answer." })
        #expect(requests.contains { $0.method == "editMessageText" && $0.body.text == "LIVE was confirmed by \(H.admin)." })
        // A second press of the same button changes nothing.
        try await h.fake.press(buttons[0].callback_data, by: H.admin, messageID: question.message_id)

        // DRY is immediate; the stop and the breakers reach the control with who and why.
        try await h.fake.say("/copy mode DRY", from: H.admin)
        try await h.fake.say("/emergency stop gas spike", from: H.admin)
        try await h.fake.say("/breaker reset slippage", from: H.admin)
        await control.block("no wallet is configured (WALLET_PRIVATE_KEY or WALLET_PRIVATE_KEY_FILE)")
        try await h.fake.say("/copy mode LIVE", from: H.admin)
        let replies = try await h.replies(to: H.admin, atLeast: 6)
        #expect(replies[2...].map { $0 } == [ControlOutcome.modeChanged(.dry).plainText, ControlOutcome.stopEngaged(alreadyAccepted: 0).plainText,
                                              ControlOutcome.breakerReset(.slippage, wasOpen: true).plainText,
                                              "LIVE cannot be switched on: no wallet is configured (WALLET_PRIVATE_KEY or WALLET_PRIVATE_KEY_FILE)"])
        #expect(await control.calls == ["mode LIVE by \(H.admin)", "mode DRY by \(H.admin)", "stop by \(H.admin): gas spike", "reset slippage by \(H.admin)"])
        let audit = try await h.audit()
        #expect(audit.contains { $0.command == "/copy mode LIVE" && $0.result.hasPrefix("confirmed:") })
        await h.stop(task)
    }

    @Test func aFiveThousandCharacterLeaderboardIsSplitUnderTheLimit() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        let stored = try #require(try await LeaderboardQueries.top(60, window: .thirtyDays, pool: h.pool))
        let rows = (0..<130).map { LeaderboardRow(rank: $0 + 1, score: stored.rows[$0 % stored.rows.count].score,
                                                  metrics: stored.rows[$0 % stored.rows.count].metrics) }
        let html = LeaderboardText.table(rows[...], window: .thirtyDays, asOf: stored.info.asOf, eligible: 130, style: .telegramHTML)
        let plain = TelegramHTML.plainText(html)
        #expect(plain.utf16.count > 5_000)
        let bot = h.bot()
        let task = h.start(bot)
        await bot.queue.send(ChatReply(html: html), to: H.user)
        let parts = try await h.fake.waitForSent(atLeast: 2) { $0.chat_id == H.user }
        #expect(parts.count == 2)
        // The server parsed each part's HTML (a broken tag is a 400) and counted it under 4096.
        #expect(parts.allSatisfy { $0.parse_mode == "HTML" && $0.visible.utf16.count <= 4096 && $0.text.hasSuffix("</pre>") })
        #expect(parts[1].text.hasPrefix("<pre>"))
        #expect(parts.map(\.visible).joined(separator: "\n") == plain)
        await h.stop(task)
    }

    @Test func rateLimitsAreWaitedOutNotDropped() async throws {
        let h = try await BotHarness()
        let task = h.start(h.bot())
        try await h.fake.fail("sendMessage", status: 429, description: "Too Many Requests: retry after 2", parameters: #"{"retry_after":2}"#)
        try await h.fake.fail("getUpdates", status: 429, description: "Too Many Requests: retry after 1", parameters: #"{"retry_after":1}"#)
        try await h.fake.say("/help", from: H.user)
        let sent = try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.user }
        #expect(sent.count == 1)
        let requests = try await h.fake.requests()
        let refused = try #require(requests.first { $0.method == "sendMessage" })
        // The retry waited the 2 s the server asked for.
        #expect(sent[0].t - refused.t >= 1.95)
        #expect(h.logs.contains("sendMessage rate-limited") && h.logs.contains("getUpdates rate-limited"))
        await h.stop(task)
    }

    @Test func aRestartNeitherReplaysNorLosesCommands() async throws {
        let h = try await BotHarness()
        let first = h.start(h.bot())
        try await h.fake.say("/help", from: H.user)
        _ = try await h.replies(to: H.user, atLeast: 1)
        await h.stop(first)
        // Sent while no bot runs: must be answered once by the next one.
        let id = try await h.fake.say("/start", from: H.user)
        let second = h.start(h.bot())
        let replies = try await h.replies(to: H.user, atLeast: 2)
        try await Task.sleep(for: .seconds(1.5))
        #expect(try await h.fake.sent().filter { $0.chat_id == H.user }.count == 2)
        #expect(replies[1].contains("ranks every Avantis trader"))
        let offset = try await h.pool.withConnection { try TelegramRepository().offset(bot: 7_000_000_001, on: $0) }
        #expect(offset == id + 1)
        #expect(try await h.fake.state().pending.isEmpty)
        await h.stop(second)
    }

    @Test func malformedUpdatesAreSkippedAndPollingGoesOn() async throws {
        let h = try await BotHarness()
        let task = h.start(h.bot())
        try await h.fake.push(#"""
            [{"raw":"\"message\":{\"message_id\":\"not a number\",\"date\":1,\"chat\":{\"id\":5,\"type\":\"private\"}}"},
             {"raw":"\"callback_query\":{\"id\":7}"},
             {"raw":"\"edited_message\":{\"message_id\":1}"},
             {"raw":"\"message\":{\"message_id\":3,\"date\":1,\"chat\":{\"id\":2002,\"type\":\"private\"}}"}]
            """#)
        try await h.fake.say("/help", from: H.user)
        let replies = try await h.replies(to: H.user, atLeast: 1)
        #expect(replies.count == 1 && replies[0].contains("Commands"))
        #expect(h.logs.all.filter { $0.contains("skipped an update") }.count == 2)
        #expect(h.logs.contains("reason=wrong type at message.message_id"), "\(h.logs.all.filter { $0.contains("skipped") })")
        #expect(h.logs.contains("reason=wrong type at callback_query.id"))
        await h.stop(task)
    }

    @Test func aBurstOfAHundredCommandsIsAnsweredInOrderWithinTheFloodLimits() async throws {
        let h = try await BotHarness(enforceFlood: true)
        _ = try await h.seedLeaderboard()
        let task = h.start(h.bot(limits: .telegram))
        let users = (1...25).map { Int64(3_000 + $0) }
        var updates: [String] = []
        for round in 1...4 {
            for user in users { updates.append(#"{"text":"/alfa top\#(round)","user":\#(user)}"#) }
        }
        try await h.fake.push("[" + updates.joined(separator: ",") + "]")
        let sent = try await h.fake.waitForSent(atLeast: 100, seconds: 40)
        #expect(sent.count == 100)
        for user in users {
            let titles = sent.filter { $0.chat_id == user }.map { String($0.visible.prefix(6)) }
            #expect(titles == ["Top 1 ", "Top 2 ", "Top 3 ", "Top 4 "])
        }
        #expect(try await h.fake.state().flood_violations == 0)
        // Never more than 30 in any second, never two to one chat within a second.
        let times = sent.map(\.t).sorted()
        for (index, time) in times.enumerated() { #expect(times[index...].prefix { $0 < time + 1 }.count <= 30) }
        await h.stop(task)
    }

    @Test func aConflictDeletesTheWebhookOnceBacksOffAndAlertsTheAdmins() async throws {
        let h = try await BotHarness()
        let task = h.start(h.bot())
        try await h.fake.say("/help", from: H.user)
        _ = try await h.replies(to: H.user, atLeast: 1)
        // Someone sets a webhook: getUpdates answers 409 until it is deleted.
        try await h.fake.control("webhook", #"{"url":"https://example.org/hook"}"#)
        try await h.fake.say("/start", from: H.user)
        let alerts = try await h.fake.waitForSent(atLeast: 3) { $0.visible.contains("Another instance is polling") }
        #expect(Set(alerts.map(\.chat_id)) == [H.admin, H.secondAdmin, H.alertGroup])
        _ = try await h.replies(to: H.user, atLeast: 2)
        let requests = try await h.fake.requests().map(\.method)
        #expect(requests.filter { $0 == "deleteWebhook" }.count == 2)   // once at start, once on the conflict
        #expect(h.logs.contains("getUpdates conflict"))

        // A second process polling with the same token: both get 409s, neither spins.
        let other = try BotHarness.rival(h)
        try await Task.sleep(for: .seconds(4))
        other.cancel()
        let polls = try await h.fake.requests().filter { $0.method == "getUpdates" }
        let lastFour = polls.filter { $0.t > Date().timeIntervalSince1970 - 4 }
        #expect(lastFour.count < 20, "polling spun: \(lastFour.count) polls in 4 s")
        await h.stop(task)
    }

    @Test func blockedChatsAreMarkedAndMigratedGroupsFollowed() async throws {
        let h = try await BotHarness()
        let bot = h.bot()
        let task = h.start(bot)
        try await h.fake.control("block", #"{"chat":\#(H.secondAdmin)}"#)
        try await h.fake.control("migrate", #"{"chat":\#(H.alertGroup),"to":-100999}"#)
        await bot.alerts.raise(.warning, "Test alert", detail: "one")
        let delivered = try await h.fake.waitForSent(atLeast: 2) { $0.visible.contains("Test alert") }
        #expect(Set(delivered.map(\.chat_id)) == [H.admin, -100999])
        let routes = try await eventually { try await h.pool.withConnection { try TelegramRepository().routes(on: $0) } } until: { !$0.blocked.isEmpty }
        #expect(routes.blocked == [H.secondAdmin] && routes.migrated == [H.alertGroup: -100999])
        // The blocked chat is not tried again; every alert row is closed with its outcome.
        await bot.alerts.raise(.warning, "Second alert", detail: "two")
        _ = try await h.fake.waitForSent(atLeast: 2) { $0.visible.contains("Second alert") }
        try await Task.sleep(for: .milliseconds(300))
        let attempts = try await h.fake.requests().filter { $0.method == "sendMessage" && $0.body.chat_id == H.secondAdmin }
        #expect(attempts.count == 1)
        let outcomes = try await h.pool.withConnection { connection in
            try connection.query("SELECT chat_id, outcome FROM alert_outbox ORDER BY id").map { (try $0.decode(0, as: Int64.self), try $0.optional(1, as: String.self)) }
        }
        #expect(outcomes.filter { $0.1 == nil }.isEmpty)
        #expect(outcomes.filter { $0.1 == "blocked" }.count == 2)
        // A migration announced in an update is stored too; a user who writes again is unblocked.
        try await h.fake.push(#"[{"migrate_to_chat_id":-100888,"chat":-100777}]"#)
        try await h.fake.control("unblock", #"{"chat":\#(H.secondAdmin)}"#)
        try await h.fake.say("/help", from: H.secondAdmin)
        let after = try await eventually { try await h.pool.withConnection { try TelegramRepository().routes(on: $0) } } until: { $0.blocked.isEmpty && !$0.migrated.isEmpty }
        #expect(after.migrated[-100777] == -100888 && after.blocked.isEmpty)
        await h.stop(task)
    }

    @Test func refusedHTMLIsResentAsPlainText() async throws {
        let h = try await BotHarness()
        let task = h.start(h.bot())
        try await h.fake.fail("sendMessage", status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \\\"x\\\" at byte offset 3")
        try await h.fake.say("/alfa top0", from: H.user)
        let sent = try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.user }
        #expect(sent[0].parse_mode == nil && sent[0].text == "Usage: /alfa topN [7d|30d|all] — N from 1 to 100, e.g. /alfa top50 7d")
        #expect(h.logs.contains("resending as plain text"))
        await h.stop(task)
    }

    @Test func serverErrorsAndSlowRepliesAreRetriedAndSendingNeverWaitsForThePoll() async throws {
        let h = try await BotHarness(pollTimeout: 20)
        let bot = h.bot()
        let task = h.start(bot)
        try await h.fake.fail("getUpdates", status: 502, description: "Bad Gateway", count: 2)
        try await h.fake.fail("sendMessage", status: 500, description: "Internal Server Error")
        try await h.fake.say("/help", from: H.user)
        _ = try await h.replies(to: H.user, atLeast: 1, seconds: 30)
        #expect(h.logs.contains("getUpdates failed; retrying") && h.logs.contains("getUpdates works again"))
        #expect(h.logs.contains("sendMessage failed; retrying"))
        // While a 20 s long poll is open, an alert leaves at once on the other connection.
        try await Task.sleep(for: .seconds(1))
        let raised = Date().timeIntervalSince1970
        await bot.alerts.raise(.info, "Prompt alert", detail: "now")
        let alert = try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.admin && $0.visible.contains("Prompt alert") }
        #expect(alert[0].t - raised < 5)   // not behind the poll (about 2 ms when the machine is idle)
        // A slow server (2 s per reply) delays answers but loses none.
        try await h.fake.control("delay", #"{"method":"sendMessage","seconds":2}"#)
        try await h.fake.say("/start", from: H.user)
        let replies = try await h.replies(to: H.user, atLeast: 2)
        #expect(replies.count == 2)
        await h.stop(task)
    }

    @Test func pendingAlertsAreSentAfterARestart() async throws {
        let h = try await BotHarness()
        let first = h.bot()
        let task = h.start(first)
        try await h.fake.fail("sendMessage", status: 503, description: "Service Unavailable", count: 1_000)
        await first.alerts.raise(.critical, "Kept alert", detail: "must survive")
        try await Task.sleep(for: .seconds(1))
        await h.stop(task)
        let pending = try await h.pool.withConnection { try TelegramRepository().pendingAlerts(on: $0) }
        #expect(pending.count == 3)
        try await h.fake.control("clear")
        let second = h.start(h.bot())
        let delivered = try await h.fake.waitForSent(atLeast: 3) { $0.visible.contains("Kept alert") }
        #expect(Set(delivered.map(\.chat_id)) == [H.admin, H.secondAdmin, H.alertGroup])
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await h.pool.withConnection { try TelegramRepository().pendingAlerts(on: $0) }.isEmpty)
        await h.stop(second)
    }

    @Test func aRefusedTokenStopsTheBotWithAClearMessage() async throws {
        let h = try await BotHarness()
        do {
            try await h.bot(token: "1:wrong-token-value").run()
            Issue.record("the bot ran with a refused token")
        } catch {
            #expect("\(error)".contains("TELEGRAM_BOT_TOKEN (401 Unauthorized)"))
            #expect(!"\(error)".contains("wrong-token-value"))
        }
    }

    @Test func anUnreachableServerIsRetriedAndNeverLogsTheToken() async throws {
        let fake = try await FakeTelegram()
        let h = try await BotHarness(fake: fake)
        let values = ["TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_API_BASE": "http://127.0.0.1:9/"]
        let bot = TelegramBot(settings: try Settings(lookup: { values[$0] }), token: Secret(FakeTelegram.token), pool: h.pool,
                              logger: h.logs.logger)
        let task = Task { try await bot.run() }
        // The first retry is logged within a second when idle; a loaded machine gets longer.
        let retries = try await eventually({ h.logs.all.filter { $0.contains("Telegram is not reachable yet; retrying") } },
                                           until: { $0.contains { $0.contains("could not connect") } })
        await h.stop(task)
        #expect(retries.contains { $0.contains("could not connect") }, "\(h.logs.all)")
        #expect(!h.logs.all.contains { $0.contains(FakeTelegram.token) })
    }
}

/// Reads `value` until `condition` holds or 30 s pass (CI machines are slow); returns the last reading.
func eventually<T>(_ value: () async throws -> T, until condition: (T) -> Bool) async throws -> T {
    let deadline = Date().addingTimeInterval(30)
    var current = try await value()
    while !condition(current), Date() < deadline {
        try await Task.sleep(for: .milliseconds(50))
        current = try await value()
    }
    return current
}

extension BotHarness {
    /// A second poller on the same token, as another instance would be.
    static func rival(_ h: BotHarness) throws -> Task<Void, Never> {
        let client = BotAPIClient(transport: CurlHTTPClient(name: "rival"), base: h.fake.base, token: Secret(FakeTelegram.token))
        return Task {
            while !Task.isCancelled {
                _ = try? await client.getUpdates(offset: nil, timeoutSeconds: 1, allowedUpdates: ["message"])
                // At most 8 polls in 4 s of its own, so "fewer than 20" measures whether the bot spins
                // (at 200 ms the rival alone could make 20 when every poll of its met a 409).
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
