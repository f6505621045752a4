@testable import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

/// Buttons, charts, trader references and watchlists, against the fake Bot API server and a
/// real PostgreSQL.
@Suite("Chat screens: boards with buttons, cards with charts, watchlists (fake Bot API, PostgreSQL)", .postgres)
struct ChatScreensTests {
    typealias H = BotHarness

    static func button(_ title: String, in markup: FakeTelegram.Sent.Markup?) throws -> String {
        try #require(markup?.inline_keyboard.flatMap { $0 }.first { $0.text == title }?.callback_data, "no \(title) button")
    }

    @Test func theBoardTurnsPagesAndWindowsInPlaceAndOpensACardWithItsChart() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        let task = h.start(h.bot())
        try await h.fake.say("/alfa top50", from: H.user)
        let board = try #require(try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.user }.first)
        #expect(board.visible.contains("Top 50 · 30d") && board.visible.contains("page 1/5"))
        let titles = board.reply_markup?.inline_keyboard.map { $0.map(\.text) } ?? []
        #expect(titles == [["#1", "#2", "#3", "#4", "#5"], ["#6", "#7", "#8", "#9", "#10"], ["11–20 ▶"], ["7d", "· 30d ·", "all"]])
        #expect(board.reply_markup!.inline_keyboard.flatMap { $0 }.allSatisfy { $0.callback_data.utf8.count <= 64 })

        // ▶ edits the same message: page 2, its ranks, both arrows.
        try await h.fake.press(try Self.button("11–20 ▶", in: board.reply_markup), by: H.user, messageID: board.message_id)
        let paged = try await h.fake.waitFor({ try await h.fake.edits() }) { $0.count == 1 }
        #expect(paged.count == 1 && paged[0].message_id == board.message_id && paged[0].visible.contains("page 2/5"))
        #expect(paged[0].visible.contains("\n 11 ") && !paged[0].visible.contains("\n  1 "))
        #expect(paged[0].reply_markup?.inline_keyboard[2].map(\.text) == ["◀ 1–10", "21–30 ▶"])
        // 7d: the same message again, first page of the 7-day board.
        try await h.fake.press(try Self.button("7d", in: paged[0].reply_markup), by: H.user, messageID: board.message_id)
        let weekly = try await h.fake.waitFor({ try await h.fake.edits() }) { $0.count == 2 }
        #expect(weekly.count == 2 && weekly[1].visible.contains("Top 50 · 7d") && weekly[1].reply_markup?.inline_keyboard.last?.map(\.text) == ["· 7d ·", "30d", "all"])
        #expect(try await h.fake.sent().filter { $0.chat_id == H.user }.count == 1, "pages are edits, not new messages")

        // #3 opens the card of the 30-day rank 3, with its buttons and a PNG chart.
        try await h.fake.press(try Self.button("#3", in: board.reply_markup), by: H.user, messageID: board.message_id)
        let photos = try await h.fake.waitFor({ try await h.fake.photos() }) { !$0.isEmpty }
        let third = try await Self.rank(3, h)
        #expect(try await h.fake.sent().contains { $0.chat_id == H.user && $0.visible.contains("Trader \(third)") })
        let photo = try #require(photos.first)
        #expect(photo.chat_id == H.user && photo.decodedSize?.width == 1200 && photo.decodedSize?.height == 675)
        #expect(photo.bytes > 10_000 && photo.width == 1200)
        #expect(photo.reply_markup?.inline_keyboard.first?.map(\.text) == ["📈 Chart", "👁 Watch", "Backtest"], "no Follow for a user")
        await h.stop(task)
    }

    /// The trader at rank 3 of the stored 30-day board.
    static func rank(_ rank: Int, _ h: BotHarness) async throws -> EVMAddress {
        try #require(try await LeaderboardQueries.top(rank, window: .thirtyDays, pool: h.pool)?.rows.last?.trader)
    }

    @Test func aStaleOrForgedButtonGetsAPoliteAnswer() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        let task = h.start(h.bot())
        let latest = try #require(try await h.pool.withConnection { try LeaderboardRepository().latest(on: $0) })
        // A board drawn from an older snapshot: moved on, and the latest shown in its place.
        try await h.fake.press("b:\(latest.id - 1):30d:50:1", by: H.user, messageID: 77)
        let answers = try await h.fake.waitFor({ try await h.fake.answers() }) { !$0.isEmpty }
        #expect(answers.first?.text == "This board has moved on: here is the latest.")
        let edits = try await h.fake.waitFor({ try await h.fake.edits() }) { !$0.isEmpty }
        #expect(edits.first?.message_id == 77 && edits.first?.visible.contains("page 1/5") == true)
        // Forged: an unknown verb, a page past the end, a short address. Nothing changes.
        for forged in ["zz:1", "b:\(latest.id):30d:50:9", "w:1234", "o:\(latest.id):30d:50:0", "ch:" + String(repeating: "g", count: 40) + ":30d"] {
            try await h.fake.press(forged, by: H.user, messageID: 78)
        }
        let all = try await h.fake.waitFor({ try await h.fake.answers() }) { $0.count == 6 }
        #expect(all.dropFirst().allSatisfy { $0.text == "This button is not valid." }, "\(all)")
        #expect(try await h.fake.edits().count == 1)
        await h.stop(task)
    }

    @Test func aRankAPrefixOrTheBoardsShortFormReachesTheCard() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        // Two traders sharing the prefix 0xabcd: the prefix alone is ambiguous.
        let twins = ["0xabcd11" + String(repeating: "1", count: 34), "0xabcd22" + String(repeating: "2", count: 33) + "e"].map { EVMAddress(hex: $0)! }
        var generator = FillGenerator(seed: 9, traderCount: 1, secondsPerFill: 60, openPositionsTarget: 1)
        let fills = generator.generate(count: 4).enumerated().map { index, fill in
            var fill = fill
            fill.trader = twins[index % 2]
            return fill
        }
        try await h.pool.transaction { try FillRepository().insert(fills, on: $0) }
        let task = h.start(h.bot())
        let third = try await Self.rank(3, h)
        let hex = third.description
        let asked = ["/alfa trader 3", "/t3", "/alfa trader \(hex.prefix(10))", "/alfa trader \(third.short)", "/alfa trader 0xabcd",
                     "/alfa trader 0xabcd2", "/alfa trader 0xabc"]
        for text in asked { try await h.fake.say(text, from: H.user) }
        let replies = try await h.fake.waitForSent(atLeast: asked.count) { $0.chat_id == H.user && !$0.visible.isEmpty }.map(\.visible)
        #expect(replies.count == asked.count, "\(replies)")
        for reply in replies.prefix(4) { #expect(reply.contains("Trader \(third)"), "\(reply)") }
        #expect(replies[4].contains("0xabcd matches 2 traders") && replies[4].contains(twins[0].description) && replies[4].contains(twins[1].description))
        #expect(replies[5].contains("Trader \(twins[1])"))
        #expect(replies[6].contains("Usage: /alfa trader"))
        // Each card came with its chart.
        #expect(try await h.fake.waitFor({ try await h.fake.photos() }) { $0.count == 5 }.count == 5)
        await h.stop(task)
    }

    @Test func aWatcherHearsEachFillOnceEvenWithTwoReplicasAndABlockUnwatches() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let h = try await BotHarness(pool: try await AlfaBinary.migratedPool(url: url))
        let leader = try await h.seedLeaderboard()
        let task = h.start(h.bot())
        try await h.fake.say("/watch 1", from: H.user)
        try await h.fake.say("/watchlist", from: H.user)
        let replies = try await h.fake.waitForSent(atLeast: 2) { $0.chat_id == H.user }.map(\.visible)
        #expect(replies.first?.contains("Watching \(leader.short) (1 of 20)") == true && replies.last?.contains(leader.description) == true)

        // Two replicas push from their own connections; the cursor's lock lets one push each fill.
        let other = PostgresPool(configuration: .init(url: url, size: 1))
        let replicas = [h.pool, other].map { WatchNotifier(pool: $0, hasBot: true, console: nil, intervalSeconds: 1, logger: h.logs.logger) }
        try await replicas[0].flush()   // places the cursor at the newest fill
        var generator = FillGenerator(seed: 77, traderCount: 1, start: 1_900_000_000, secondsPerFill: 60, openPositionsTarget: 1)
        let next = generator.generate(count: 2).map { fill in
            var fill = fill
            fill.trader = leader
            return fill
        }
        try await h.pool.transaction { try FillRepository().insert(next, on: $0) }
        async let first = replicas[0].flush()
        async let second = replicas[1].flush()
        _ = try await (first, second)
        let pushes = try await h.fake.waitForSent(atLeast: 4) { $0.chat_id == H.user }.dropFirst(2)
        #expect(pushes.count == 2, "\(pushes.map(\.visible))")
        #expect(pushes.first?.visible.contains("👁 \(leader.short) opened") == true)
        #expect(pushes.last.map { $0.visible.contains("PnL") && $0.visible.contains(leader.short) } == true)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await h.fake.sent().filter { $0.chat_id == H.user }.count == 4, "one push per fill")

        // The user blocks the bot: the next push is refused with 403 and the watch is gone.
        try await h.fake.control("block", #"{"chat":\#(H.user)}"#)
        let last = generator.generate(count: 1).map { fill in
            var fill = fill
            fill.trader = leader
            return fill
        }
        try await h.pool.transaction { try FillRepository().insert(last, on: $0) }
        try await replicas[1].flush()
        let watching = try await h.fake.waitFor({ try await h.pool.withConnection { try WatchRepository().watched(by: H.user, on: $0) } }) { $0.isEmpty }
        #expect(watching.isEmpty)
        await other.close()
        await h.stop(task)
    }

    @Test func aBacktestAnswersInTheChatWithItsChart() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        let task = h.start(h.bot())
        try await h.fake.say("/copy backtest 2 all", from: H.user)
        let reply = try #require(try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.user }.first)
        #expect(reply.visible.contains("Backtest of") && reply.visible.contains("Signals"), "\(reply.visible)")
        #expect(try await h.fake.waitFor({ try await h.fake.photos() }) { !$0.isEmpty }.first?.decodedSize?.width == 1200)
        await h.stop(task)
    }

    @Test func aChartThatCannotBeDrawnLeavesTheTextAndALogLine() async throws {
        let h = try await BotHarness()
        _ = try await h.seedLeaderboard()
        struct CairoBroke: Error {}
        let broken = ChartDelivery(logger: h.logs.logger, png: { _ in throw CairoBroke() }, write: { _, _ in throw CairoBroke() })
        let task = h.start(h.bot(charts: broken))
        try await h.fake.say("/alfa trader 1", from: H.user)
        let card = try await h.fake.waitForSent(atLeast: 1) { $0.chat_id == H.user }
        #expect(card.first?.visible.contains("Trader 0x") == true && card.first?.photo != true)
        #expect(try await h.fake.photos().isEmpty)
        #expect(h.logs.contains("could not draw a chart; the text goes without it"))
        await h.stop(task)
    }

    @Test func alfaBacktestPrintsWhatTheChatComputesAndRefusesBadInput() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        var generator = FillGenerator(seed: 31, traderCount: 1, start: 1_800_000_000, secondsPerFill: 60, openPositionsTarget: 4)
        let fills = generator.generate(count: 400)
        try await pool.transaction { try FillRepository().insert(fills, on: $0) }
        let leader = fills[0].trader
        let until = fills.last!.blockTime + 1
        let expected = try await BacktestQueries.run(leader, since: nil, until: until, copy: try Settings(lookup: { _ in nil }).copy, pool: pool)
        await pool.close()
        #expect(expected.opens > 10 && expected.closes.count > 10)

        let json = try await AlfaBinary.run(["backtest", leader.description, "--until", String(until), "--json"], ["DATABASE_URL": url])
        #expect(json.status == 0, "\(json.errorOutput)")
        #expect(json.output == (try BacktestJSON.encode(expected)) + "\n")
        let text = try await AlfaBinary.run(["backtest", leader.description, "--until", String(until)], ["DATABASE_URL": url])
        #expect(text.output.hasPrefix("Backtest of \(leader.short) · all") && text.output.contains("Signals \(expected.signals) →"))

        let bad = try await AlfaBinary.run(["backtest", "0x1234"], ["DATABASE_URL": url])
        #expect(bad.status != 0 && bad.errorOutput.contains("\"0x1234\" is not an address (0x followed by 40 hex digits)"))
        let backwards = try await AlfaBinary.run(["backtest", leader.description, "--since", "2026-12-02", "--until", "2026-12-01"], ["DATABASE_URL": url])
        #expect(backwards.status != 0 && backwards.errorOutput.contains("--since must be before --until"))
    }
}
