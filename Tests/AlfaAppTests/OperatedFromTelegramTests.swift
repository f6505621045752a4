import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

/// The whole service as an operator runs it: `alfa serve` on a real PostgreSQL, the local EVM
/// (with its keeper) and the fake Bot API server; an admin drives it from the chat.
@Suite("Copy trading operated from Telegram (alfa serve)", .postgres)
struct OperatedFromTelegramTests {
    static let admin: Int64 = 1001
    static let p = CopyHarness.price

    /// Sends `command` as the admin and waits for the message (reply or alert) that contains `expected`.
    @discardableResult
    static func ask(_ fake: FakeTelegram, _ command: String, expecting expected: String,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> FakeTelegram.Sent? {
        let before = try await fake.sent().count
        try await fake.say(command, from: admin)
        return try await waitFor(fake, expected, after: before, sourceLocation: sourceLocation)
    }

    @discardableResult
    static func waitFor(_ fake: FakeTelegram, _ expected: String, after: Int = 0,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> FakeTelegram.Sent? {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let found = try await fake.sent().dropFirst(after).first(where: { $0.chat_id == admin && $0.visible.contains(expected) }) {
                return found
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("no message to the admin contains \"\(expected)\"; sent: \(try await fake.sent().map(\.visible))",
                     sourceLocation: sourceLocation)
        return nil
    }

    @Test func anAdminTradesLiveStopsAndRecoversFromABreakerInTheChat() async throws {
        let chain = try await ChainPeer()
        let fake = try await FakeTelegram()
        let database = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let relayer = try await CopyHarness.relayer(on: chain)
        let env = CopyHarness.environment(chain, relayer: relayer, database: database, [
            "TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_API_BASE": fake.base, "TELEGRAM_ADMIN_IDS": "\(Self.admin)",
            "TELEGRAM_POLL_TIMEOUT": "1", "WALLET_ADDRESS": CopyHarness.wallet, "WALLET_DELEGATE_KEY": CopyHarness.delegateKey,
            "COPY_MAX_OPEN_POSITIONS": "1", "NOTIFY_GROUP_SECONDS": "0",
        ])
        let serve = try AlfaBinary.start(["serve"], env)
        defer { serve.signal(SIGKILL) }
        let pool = PostgresPool(configuration: .init(url: database, size: 1))
        try await closing(pool) { pool in
            try await CopyReplicaTests.waitForEngine(pool)
            let status = try await Self.ask(fake, "/status", expecting: "mode: DRY · emergency stop: off")
            #expect(status?.visible.contains("prices: the pairs' last fills (PRICE_FEED_URL unset)") == true)
            // Opens heard silently, skips not at all; alerts always arrive.
            try await Self.ask(fake, "/notify opened silent", expecting: "opened: silent")
            try await Self.ask(fake, "/notify skipped off", expecting: "skipped: off")
            try await Self.ask(fake, "/notify breakers off", expecting: "they cannot be turned off")

            // DRY: the leader loses 5 % at 10× on our only position — the drawdown breaker trips and the admin hears of it.
            let start = Int64(Date().timeIntervalSince1970)
            try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 1, collateral: 1_000_000_000, price: Self.p, openTime: start)]])
            _ = try await CopyReplicaTests.waitFor(pool) { $0.count == 1 && $0[0].status == .filled }
            #expect(try await Self.waitFor(fake, "🟢 Opened BTC/USD long")?.silent == true)
            let payout: Int64 = 1_000_000_000 / 2 - 2_000_000
            try await chain.execute([[.marketClose(CopyHarness.leader, pair: 1, position: 1_000_000_000, closing: 1_000_000_000, entry: Self.p,
                                                   price: Self.p - Self.p / 20, percentProfit: -50_000_000_000, payout: payout,
                                                   closingFee: 2_000_000, openTime: start)]])
            let alert = try await Self.waitFor(fake, "Circuit breaker drawdown tripped")
            #expect(alert?.visible.contains("/breaker reset drawdown") == true && alert?.parse_mode == "HTML" && alert?.silent == false)
            try await Self.ask(fake, "/breakers", expecting: "🔴 drawdown: drawdown")
            try await Self.ask(fake, "/copy mode LIVE", expecting: "LIVE cannot be switched on")

            // Reset, clear the stop (back in DRY), confirm LIVE with the button.
            try await Self.ask(fake, "/breaker reset drawdown", expecting: "Breaker drawdown reset")
            try await Self.ask(fake, "/emergency start", expecting: "Emergency stop cleared")
            // The breaker reads the loss at the mark (the leader's close price) or realized, whichever it
            // sees first. At the mark, our close waited under the stop it engaged and fills now: its
            // realized loss, in the fresh window, trips the breaker once more.
            #expect(try await Self.waitFor(fake, "🔻 Closed BTC/USD long")?.silent == false)
            try await Task.sleep(for: .seconds(2))
            if try await fake.sent().filter({ $0.visible.contains("Circuit breaker drawdown tripped") }).count == 2 {
                try await Self.ask(fake, "/breaker reset drawdown", expecting: "Breaker drawdown reset")
                try await Self.ask(fake, "/emergency start", expecting: "Emergency stop cleared")
            }
            let question = try #require(try await Self.ask(fake, "/copy mode LIVE", expecting: "expires in 60 s"))
            let confirm = try #require(question.reply_markup?.inline_keyboard.first?.first)
            let before = try await fake.sent().count
            try await fake.press(confirm.callback_data, by: Self.admin, messageID: question.message_id)
            try await Self.waitFor(fake, "Copy mode is now LIVE", after: before)

            // LIVE: the leader's next open is signed by the delegate, executed through the relayer, and our fill indexed.
            try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 2, collateral: 1_000_000_000, price: Self.p, openTime: start + 1)]])
            let live = try await CopyReplicaTests.waitFor(pool) { $0.count == 3 && $0[2].live.ownFillID != nil }
            #expect(live.count == 3 && live[2].mode == .live && live[2].status == .filled && live[2].keeperOrderID != nil, "\(live)")

            // The stop takes effect before its reply: nothing reaches the relayer after it, the next open is skipped.
            let stopped = try #require(try await Self.ask(fake, "/emergency stop leaving for lunch", expecting: "Emergency stop engaged: no copy order"))
            try await chain.execute([[.marketClose(CopyHarness.leader, pair: 2, position: 1_000_000_000, closing: 1_000_000_000, entry: Self.p,
                                                   price: Self.p, percentProfit: 0, payout: 998_000_000, closingFee: 2_000_000,
                                                   openTime: start + 1)],
                                     [.marketOpen(CopyHarness.leader, pair: 3, collateral: 1_000_000_000, price: Self.p, openTime: start + 2)]])
            // The leader's close of the position we hold waits; its open is skipped.
            let after = try await CopyReplicaTests.waitFor(pool) { $0.count == 5 && $0[4].status == .skipped }
            #expect(after.count == 5 && after[3].action == .close && after[3].status == .intent, "\(after)")
            #expect(after[4].status == .skipped && after[4].reason == "emergency stop engaged", "\(after)")
            try await Task.sleep(for: .seconds(1))
            var accepted = try await relayer.accepted()
            let beforeTheStop = accepted.allSatisfy { $0.at <= stopped.t }
            #expect(accepted.count == 1 && beforeTheStop,
                    "submitted after the stop's reply: \(accepted.map(\.at)) vs \(stopped.t)")
            try await Self.ask(fake, "/status", expecting: "mode: LIVE · emergency stop: ON")

            // Trading again: the stop cleared and LIVE confirmed, the close that waited goes out and fills.
            try await Self.ask(fake, "/emergency start", expecting: "Emergency stop cleared")
            let again = try #require(try await Self.ask(fake, "/copy mode LIVE", expecting: "expires in 60 s"))
            let count = try await fake.sent().count
            try await fake.press(try #require(again.reply_markup?.inline_keyboard.first?.first).callback_data, by: Self.admin,
                                 messageID: again.message_id)
            try await Self.waitFor(fake, "Copy mode is now LIVE", after: count)
            let closed = try await CopyReplicaTests.waitFor(pool) { $0.count == 5 && $0[3].live.ownFillID != nil }
            #expect(closed[3].status == .filled && closed[3].mode == .live, "\(closed)")
            accepted = try await relayer.accepted()
            #expect(accepted.map(\.kind) == ["OpenTradeReq", "CloseTradeReq"])
            // The close is bound to our position's on-chain open time: the chain has it closed.
            let own = try await pool.withConnection { try FillRepository().fills(of: EVMAddress(hex: CopyHarness.wallet)!, on: $0) }
            #expect(own.map(\.kind) == [.open, .close] && own[1].openTime == own[0].openTime)

            let skips = try await fake.sent().filter { $0.visible.contains("Skipped") }
            #expect(skips.isEmpty, "skips were turned off")
            // /copy pnl comes with the account's equity chart, a PNG the fake server decoded.
            try await Self.ask(fake, "/copy pnl", expecting: "Copy account")
            let chart = try await fake.waitFor({ try await fake.photos() }) { !$0.isEmpty }.first
            #expect(chart?.chat_id == Self.admin && chart?.decodedSize?.width == 1200 && chart?.decodedSize?.height == 675)
            // Every admin action is in the audit log with who did it.
            let audited = try await pool.withConnection { try $0.query("SELECT command FROM audit_log WHERE user_id = $1 ORDER BY id", [Self.admin]) }
                .map { try $0.decode(0, as: String.self) }
            for command in ["/breaker reset drawdown", "/emergency start", "/copy mode LIVE", "/emergency stop leaving for lunch"] {
                #expect(audited.contains(command), "\(audited)")
            }
            serve.signal(SIGTERM)
            let outcome = try await BlockingWorker(name: "alfa-serve").run { serve.wait() }
            #expect(outcome.status == 0)
            #expect(!(outcome.output + outcome.errorOutput).contains(CopyHarness.delegateKey.dropFirst(2)))
            #expect(!(outcome.output + outcome.errorOutput).contains(FakeTelegram.token))
        }
    }
}
