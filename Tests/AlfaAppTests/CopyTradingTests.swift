@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The copy engine against the local EVM, the fake relayer executing on it, and a real PostgreSQL.
@Suite("Copy trading: DRY and LIVE (v2 intents through the relayer), stop, restarts", .postgres)
struct CopyTradingTests {
    static let p = CopyHarness.price
    static let live = CopyHarness.live

    static func time() -> Int64 { Int64(Date().timeIntervalSince1970) }

    @Test func dryCopiesOpensPartialAndFullClosesAndNeverSendsATransaction() async throws {
        try await withCopyHarness { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            var orders = try await harness.waitForOrders { $0.first?.status == .filled }
            let open = try #require(orders.first)
            #expect(open.action == .open && open.mode == .dry && open.pairIndex == 1 && open.isLong)
            #expect(open.collateral == 100_000_000 && open.leverage == 100_000_000_000)
            #expect(open.fillPrice == Self.p + Self.p * 50 / 10_000)   // the leader's price, 0.5 % against us
            #expect(open.fee == 600_000)                                  // the leader's 0.06 % on our 1,000 USDC notional
            #expect(open.fillCollateral == 99_400_000)
            // /copy pnl values it at its mark: no PRICE_FEED_URL here, so the pair's last fill (the leader's, at 65,000):
            // 994 USDC notional × −325 / 65,325 = −4.945.
            let valued = await harness.control.copyPnL().plainText
            #expect(valued.contains("Open positions: 1 · unrealized -4.95 USDC before closing fees"), "\(valued)")
            #expect(valued.contains("BTC/USD long 99.40 USDC ×10.0 DRY · entry 65,325.00 · mark 65,000.00 (last fill,"), "\(valued)")

            // A quarter closed by the leader closes a quarter of ours; then the rest.
            try await harness.leaderCloses(closing: 250_000_000, price: Self.p + Self.p / 10, openTime: openTime)
            orders = try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
            let partial = orders[1]
            #expect(partial.action == .close && partial.positionOrderID == open.id && partial.collateral == 24_850_000)
            #expect(partial.netPnL > 0 && partial.grossPnL > partial.netPnL)
            func retired() async throws -> Bool {
                try await harness.pool.withConnection {
                    try $0.query("SELECT position_closed_at IS NOT NULL FROM copy_orders WHERE id = $1", [open.id])[0].decode(0)
                }
            }
            #expect(try await !retired())
            try await harness.leaderCloses(position: 750_000_000, closing: 750_000_000, price: Self.p - Self.p / 20, openTime: openTime)
            orders = try await harness.waitForOrders { $0.count == 3 && $0[2].status == .filled }
            #expect(orders[2].collateral == 99_400_000 - 24_850_000 && orders[2].netPnL < 0)
            #expect(try await retired())  // closed for good: no longer read as a position by the engine
            // A close of a position we never copied is recorded as skipped.
            try await harness.leaderCloses(pair: 7, price: Self.p, openTime: openTime - 100)
            orders = try await harness.waitForOrders { $0.count == 4 }
            #expect(orders[3].status == .skipped && orders[3].reason == "no mirrored position to close")

            #expect(try await harness.chain.requestCount("eth_sendRawTransaction", endpoint: 0) == 0)
            let pnl = await harness.control.copyPnL().plainText
            #expect(pnl.contains("Signals: 4 · skipped 1 · orders 3 · filled 3"), "\(pnl)")
            #expect(pnl.contains("Closed trades: 2"))
            #expect(await harness.control.leaders().plainText.contains(CopyHarness.leader))
            #expect(await harness.control.statusLines().openPositions == 0)

            // alfa export orders: every order linked to its leader fill, in human units.
            let csv = try await AlfaBinary.run(["export", "orders"], ["DATABASE_URL": harness.url])
            let lines = csv.output.split(separator: "\n")
            #expect(csv.status == 0 && lines.count == 5, "\(csv.errorOutput)")
            #expect(lines[0].hasPrefix("id,created_at,leader_fill_id,leader,leader_kind,leader_price,action,mode,status,reason"))
            #expect(lines[1].contains(",open,DRY,filled,,1,BTC/USD,true,100,10,"))
            let json = try await AlfaBinary.run(["export", "orders", "--format", "json"], ["DATABASE_URL": harness.url])
            let rows = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
            #expect(rows?.count == 4 && rows?[3]["reason"] as? String == "no mirrored position to close")
        }
    }

    @Test func liveSignsIntentsTheRelayerExecutesAndTheCloseBindsTheOpenTime() async throws {
        try await withCopyHarness(Self.live) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            var orders = try await harness.waitForOrders { $0.first?.live.ownFillID != nil }
            let open = try #require(orders.first)
            #expect(open.mode == .live && open.status == .filled && open.tradeIndex == 0 && open.keeperOrderID == 1001, "\(open)")
            #expect(open.fillPrice == Self.p && open.fillCollateral == 100_000_000 && open.gasUSDC == 0)
            #expect(open.live.wallet?.description == CopyHarness.wallet && open.live.nonce?.count == 66 && open.live.trackingID != nil)
            let own = try await harness.ownFills()
            #expect(own.count == 1 && own[0].openTime == open.live.openTimestamp && own[0].orderID == 1001)

            // The leader closes 10 % higher: our close names our slot and its on-chain open time.
            try await harness.leaderCloses(price: Self.p + Self.p / 10, openTime: openTime)
            orders = try await harness.waitForOrders { $0.count == 2 && $0[1].live.ownFillID != nil }
            #expect(orders[1].action == .close && orders[1].status == .filled && orders[1].netPnL > 90_000_000, "\(orders)")
            #expect(try await harness.ownFills().map(\.kind) == [.open, .close])

            let accepted = try await harness.relayer.accepted()
            #expect(accepted.map(\.kind) == ["OpenTradeReq", "CloseTradeReq"])
            let signedByTheDelegate = accepted.allSatisfy { $0.signer == CopyHarness.delegate.lowercased() && $0.trader == CopyHarness.wallet }
            #expect(signedByTheDelegate)
            let nonces = orders.map { $0.live.nonce! }
            #expect(accepted.map(\.nonce) == nonces)
            #expect(try await harness.chain.requestCount("eth_sendRawTransaction", endpoint: 0) == 0)
        }
    }

    /// Our own stop-loss in DRY: a fresh mark past it (here the pair's last fill, another
    /// trader's) closes the position at that mark; the leader's later close is skipped.
    @Test func aDryStopLossClosesAtTheMarkBeforeTheLeaderDoes() async throws {
        try await withCopyHarness(["COPY_STOP_LOSS_PCT": "20", "COPY_TAKE_PROFIT_PCT": "50"]) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            var orders = try await harness.waitForOrders { $0.first?.status == .filled }
            // 20 % of the collateral at 10× is 2 % of the price: 63,700; 50 % is 5 %: 68,250.
            #expect(orders.first?.exits == CopyExits(stopLoss: Self.p - Self.p / 50, takeProfit: Self.p + Self.p / 20))
            try await harness.chain.execute([[.marketOpen("0x00000000000000000000000000000000000000b7", pair: 1, collateral: 50_000_000,
                                                          price: Self.p - Self.p * 3 / 100, openTime: openTime + 1)]])
            orders = try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
            #expect(orders[1].action == .close && orders[1].positionOrderID == orders[0].id && orders[1].reason == "stop-loss at the mark 63,050.00 (last fill)",
                    "\(orders)")
            #expect(orders[1].fillPrice == 630_500_000_000_000 - 630_500_000_000_000 * 50 / 10_000 && orders[1].netPnL < 0)
            #expect(await harness.control.statusLines().openPositions == 0)
            try await harness.leaderCloses(price: Self.p, openTime: openTime)
            orders = try await harness.waitForOrders { $0.count == 3 }
            try #require(orders.count == 3, "\(orders)")
            #expect(orders[2].status == .skipped && orders[2].reason == "no mirrored position to close")
        }
    }

    /// A position whose mark comes within COPY_LIQUIDATION_ALERT_PCT (3 %) of its liquidation
    /// price is reported once, and again only after it moved away and came back.
    @Test func aPositionNearItsLiquidationIsReportedOnceUntilItMovesAway() async throws {
        try await withCopyHarness { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.status == .filled }
            // Entry 65,325 at 10×: liquidation at 59,772.38. The market at 61,100 is 2.2 % from it.
            func marketTrades(at price: Int64, _ second: Int64) async throws {
                try await harness.chain.execute([[.marketOpen("0x00000000000000000000000000000000000000b9", pair: 1, index: second,
                                                              collateral: 50_000_000, price: price, openTime: openTime + second)]])
            }
            let title = "Our BTC/USD long is 2.2 % from liquidation"
            try await marketTrades(at: Self.p * 94 / 100, 1)
            try await harness.waitForAlert(title)
            try await Task.sleep(for: .seconds(2.5))
            let told = harness.alerts.filter { $0.contains(title) }
            #expect(told.count == 1, "\(harness.alerts)")
            #expect(told.first?.contains("liquidation at 59,772.38") == true)
            try await marketTrades(at: Self.p, 2)  // 8 % away: cleared
            try await Task.sleep(for: .seconds(2.5))
            try await marketTrades(at: Self.p * 94 / 100, 3)
            let deadline = Date().addingTimeInterval(30)
            while harness.alerts.filter({ $0.contains(title) }).count < 2, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let toldAgain = harness.alerts.filter { $0.contains(title) }
            #expect(toldAgain.count == 2)
        }
    }

    /// /copy pause skips leaders' new opens while their exits are still mirrored; /copy resume undoes it.
    @Test func aPauseSkipsNewOpensButStillMirrorsExits() async throws {
        try await withCopyHarness { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.status == .filled }
            #expect(await harness.control.setPaused(true, by: 1001).plainText.contains("Copying paused"))
            #expect(await harness.control.statusLines().paused?.hasPrefix("paused by admin 1001") == true)
            try await harness.leaderOpens(pair: 2, openTime: openTime + 1)
            try await harness.leaderCloses(price: Self.p, openTime: openTime)
            var orders = try await harness.waitForOrders { $0.count == 3 && $0[2].status == .filled }
            #expect(orders[1].status == .skipped && orders[1].reason == "copying paused (/copy resume)", "\(orders)")
            #expect(orders[2].action == .close && orders[2].status == .filled)
            #expect(await harness.control.setPaused(false, by: 1001).plainText.contains("Copying resumed"))
            #expect(await harness.control.statusLines().paused == nil)
            try await harness.leaderOpens(pair: 3, openTime: openTime + 2)
            orders = try await harness.waitForOrders { $0.count == 4 && $0[3].status == .filled }
            #expect(orders[3].action == .open && orders[3].pairIndex == 3)
        }
    }

    /// `/copy close all` under the emergency stop: the LIVE position's close goes to the relayer
    /// and fills on chain, the DRY one closes at the mark; the stop still holds the leaders'
    /// trades, and the leader's later close finds nothing left to mirror.
    @Test func anAdminClosesEveryPositionUnderTheStop() async throws {
        try await withCopyHarness(Self.live) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.live.ownFillID != nil }
            #expect(await harness.control.setMode(.dry, by: 1001).plainText.contains("DRY"))
            try await harness.leaderOpens(pair: 2, openTime: openTime + 1)
            try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
            _ = await harness.control.emergencyStop(by: 1001, reason: "test")

            let solOnly = try await harness.control.positionsToClose(.pair(2)).map { $0.hasPrefix("#2 SOL/USD long") }
            #expect(solOnly == [true])
            #expect(try await harness.control.positionsToClose(.order(99)).isEmpty)
            let reply = await harness.control.closePositions(.all, by: 1001).plainText
            #expect(reply.hasPrefix("Closing 2 position(s) at market:") && reply.contains("sent to the relayer")
                    && reply.contains("filled at the mark"), "\(reply)")
            let orders = try await harness.waitForOrders { $0.count == 4 && $0[2].live.ownFillID != nil && $0[3].status == .filled }
            #expect(orders[2].action == .close && orders[2].mode == .live && orders[2].status == .filled, "\(orders)")
            #expect(orders[2].orderedBy == "admin 1001" && orders[2].reason == "closed by admin 1001")
            #expect(orders[3].action == .close && orders[3].mode == .dry && orders[3].positionOrderID == orders[1].id)
            #expect(try await harness.relayer.accepted().map(\.kind) == ["OpenTradeReq", "CloseTradeReq"])
            #expect(try await harness.ownFills().map(\.kind) == [.open, .close])
            #expect(await harness.control.execution().emergencyStop)
            #expect(await harness.control.closePositions(.all, by: 1001).plainText.hasPrefix("Nothing to close"))

            // The leader closes later: nothing of ours is left to mirror.
            try await harness.leaderCloses(price: Self.p, openTime: openTime)
            let after = try await harness.waitForOrders { $0.count == 5 }
            #expect(after[4].status == .skipped && after[4].reason == "no mirrored position to close", "\(after)")
        }
    }

    /// `/copy set` changes one leader's sizing and pairs; stored, listed, and applied by the planner.
    @Test func aLeadersOwnSettingsChangeSizingAndThePairFilter() async throws {
        try await withCopyHarness { harness in
            let leader = TraderReference.address(EVMAddress(hex: CopyHarness.leader)!)
            let set = await harness.control.leaderSettings(leader, .assign(["size=50", "pairs=!SOL", "sl=25"]), by: 1001).plainText
            #expect(set == "\(CopyHarness.leader) now has size=50 pairs=!SOL sl=25; anything else comes from the environment.", "\(set)")
            #expect(await harness.control.leaders().plainText.contains("\(CopyHarness.leader) · size=50 pairs=!SOL sl=25"))
            let bad = await harness.control.leaderSettings(leader, .assign(["maxpos=0"]), by: 1001).plainText
            #expect(bad.hasPrefix("maxpos=0: expected a whole number from 1 to 1,000."))
            #expect(await harness.control.leaderSettings(.rank(1), .show, by: 1001).plainText.hasPrefix("There is no trader at rank 1"))

            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.leaderOpens(pair: 2, openTime: openTime + 1)
            let orders = try await harness.waitForOrders { $0.count == 2 && $0[0].status == .filled }
            #expect(orders[0].collateral == 50_000_000 && orders[0].exits.stopLoss == Self.p - Self.p * 25 / 1_000, "\(orders)")
            #expect(orders[1].status == .skipped && orders[1].reason == "SOL/USD is not copied from this leader (/copy set pairs=…)")

            #expect(await harness.control.leaderSettings(leader, .reset, by: 1001).plainText.hasPrefix("\(CopyHarness.leader) now has the defaults"))
            try await harness.leaderOpens(pair: 2, openTime: openTime + 2)
            let after = try await harness.waitForOrders { $0.count == 3 && $0[2].status == .filled }
            #expect(after[2].collateral == 100_000_000 && after[2].pairIndex == 2, "\(after)")
        }
    }

    /// Settled orders reach each admin as they chose (`/notify`), grouped per NOTIFY_GROUP_SECONDS:
    /// the first at once, a burst after it held for the group and then sent as one message per admin.
    @Test func copyActionsReachEachAdminAsTheyChoseGroupedPerWindow() async throws {
        try await withCopyHarness(["TELEGRAM_BOT_TOKEN": "1:test", "TELEGRAM_ADMIN_IDS": "1001,1002",
                                  "NOTIFY_GROUP_SECONDS": "3600"]) { harness in
            try await harness.pool.withConnection {
                try NoticeRepository().setLevel(.off, of: [.skipped], for: 1002, on: $0)
                try NoticeRepository().setLevel(.silent, of: [.opened], for: 1002, on: $0)
            }
            func outbox() async throws -> [(chat: Int64, text: String, silent: Bool)] {
                try await harness.pool.withConnection { try TelegramRepository().pendingAlerts(on: $0).map { ($0.chat, $0.text, $0.silent) } }
            }
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            let deadline = Date().addingTimeInterval(30)
            while try await outbox().count < 2, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            var sent = try await outbox()
            #expect(sent.map(\.chat) == [1001, 1002] && sent.map(\.silent) == [false, true], "\(sent)")
            #expect(sent.allSatisfy { $0.text.hasPrefix("🟢 Opened BTC/USD long 99.40 USDC ×10.0 at 65,325.00") }, "\(sent)")

            _ = await harness.control.emergencyStop(by: 1001, reason: "test")
            for pair: Int64 in 2...4 { try await harness.leaderOpens(pair: pair, openTime: openTime + pair) }
            try await harness.waitForOrders { $0.count == 4 }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await outbox().count == 2, "the burst waits for the group")
            // The group's time has come (another notifier, its clock an hour on): one message, to the admin who wants skips.
            let later = Self.time() + 3_600
            let notifier = CopyNotifier(telegram: harness.settings.telegram, pool: harness.pool, clock: { later }, logger: Logger(label: "test.notices"))
            #expect(try await notifier.flush() == 1)
            sent = try await outbox()
            #expect(sent.count == 3 && sent[2].chat == 1001 && !sent[2].silent, "\(sent)")
            #expect(sent[2].text.hasPrefix("<b>Copy trading</b>: 3 actions\n⏭ Skipped SOL/USD long open of leader 0x00000000…: emergency stop engaged"))
            #expect(try await notifier.flush() == 0)
            #expect(harness.alerts.contains { $0.contains("Emergency stop engaged by admin 1001") })
        }
    }

    @Test func liveExitsTravelInTheOpenIntent() async throws {
        try await withCopyHarness(Self.live.merging(["COPY_STOP_LOSS_PCT": "20"]) { _, new in new }) { harness in
            try await harness.leaderOpens(openTime: Self.time())
            try await harness.waitForOrders { $0.first?.status == .filled }
            let accepted = try await harness.relayer.accepted()
            #expect(accepted.first?.sl == String(Self.p - Self.p / 50) && accepted.first?.tp == "0", "\(accepted)")
        }
    }

    /// The exchange liquidates our position by itself: recorded as a filled close with its loss,
    /// the position retired, the admins told, and the leader's later close skipped, never sent.
    @Test func aPositionTheExchangeLiquidatesIsRecordedRetiredAndTold() async throws {
        try await withCopyHarness(Self.live) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            // Not inside #require: Swift 6.3 gave a closure there and the next one below the same body.
            let opened = try await harness.waitForOrders { $0.first?.live.ownFillID != nil }
            let open = try #require(opened.first)
            let (slot, openedAt) = (try #require(open.tradeIndex), try #require(open.live.openTimestamp))
            try await harness.chain.execute([[.limit(CopyHarness.wallet, orderType: 2, pair: 1, index: Int64(slot), collateral: 100_000_000,
                                                     entry: Self.p, price: Self.p - Self.p / 12, percentProfit: -850_000_000_000, payout: 0,
                                                     openTime: openedAt)]])
            var orders = try await harness.waitForOrders { $0.count == 2 }
            let ownFills = try await harness.ownFills()
            try #require(orders.count == 2, "\(orders)\nour fills: \(ownFills)")
            #expect(orders[1].action == .close && orders[1].status == .filled, "\(orders)")
            #expect(orders[1].positionOrderID == open.id && orders[1].reason == "liquidation executed by the exchange")
            #expect(orders[1].netPnL == -100_000_000 && orders[1].live.ownFillID != nil)
            try await harness.waitForAlert("Our BTC/USD long was closed on chain: liquidation")
            #expect(await harness.control.statusLines().openPositions == 0)

            try await harness.leaderCloses(price: Self.p, openTime: openTime)
            orders = try await harness.waitForOrders { $0.count == 3 }
            try #require(orders.count == 3, "\(orders)")
            #expect(orders[2].status == .skipped && orders[2].reason == "no mirrored position to close", "\(orders)")
            #expect(try await harness.relayer.accepted().count == 1)
        }
    }

    @Test func anOrderTheRelayerHoldsIsReportedOnceAndExpiresAtItsDeadline() async throws {
        try await withCopyHarness(Self.live.merging([
            // The deadline leaves room for the local chain's clock, which runs ahead of the wall clock
            // by a second per block mined within one (the setup mines dozens).
            "COPY_ORDER_TIMEOUT_SECONDS": "5", "COPY_INTENT_DEADLINE_SECONDS": "40"]) { _, new in new }) { harness in
            try await harness.relayer.faults(#"{"hold": true}"#)
            try await harness.leaderOpens(openTime: Self.time())
            let waiting = try await harness.waitForOrders { $0.first?.status == .accepted }
            #expect(waiting.first?.status == .accepted)
            let title = "Copy order 1 (open BTC/USD long) unanswered for"
            try await harness.waitForAlert(title)
            #expect(harness.alerts.filter { $0.contains(title) }.count == 1, "\(harness.alerts)")
            #expect(harness.alerts.first { $0.contains(title) }?.contains("The relayer accepted it") == true)
            // Blocks go on being made past the deadline with no fill of ours: expired for certain.
            let deadline = Date().addingTimeInterval(60)
            var orders = try await harness.orders()
            while orders.first?.status != .expired, Date() < deadline {
                _ = try await harness.chain.rpc("evm_mine")
                try await Task.sleep(for: .milliseconds(500))
                orders = try await harness.orders()
            }
            #expect(orders.first?.status == .expired && orders.first?.reason == "the intent's deadline passed with no fill of ours on chain",
                    "\(orders)")
            #expect(harness.alerts.filter { $0.contains(title) }.count == 1)
            #expect(try await harness.ownFills().isEmpty)
        }
    }

    @Test func underTheStopOpensAreDroppedAndClosesWaitForTradingToResume() async throws {
        try await withCopyHarness(Self.live.merging(["COPY_ORDER_TIMEOUT_SECONDS": "5"]) { _, new in new }) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.status == .filled }
            _ = await harness.control.emergencyStop(by: 1001, reason: "test")
            try await harness.leaderCloses(price: Self.p, openTime: openTime)
            var orders = try await harness.waitForOrders { $0.count == 2 }
            #expect(orders[1].action == .close && orders[1].status == .intent)
            // The admins hear that a real position stays open while its close waits.
            let title = "Copy order 2 (close BTC/USD long) unanswered for"
            try await harness.waitForAlert(title)
            let toldItStaysOpen = harness.alerts.contains { $0.contains(title) && $0.contains("our position stays open on chain") }
            #expect(toldItStaysOpen, "\(harness.alerts)")
            #expect(try await harness.relayer.accepted().count == 1)  // the open: nothing while stopped
            #expect(try await harness.orders()[1].status == .intent)

            // Cleared (DRY): still held. LIVE again: the close goes out.
            _ = await harness.control.emergencyStart(by: 1001)
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await harness.orders()[1].status == .intent)
            #expect(await harness.control.setMode(.live, by: 1001).plainText.contains("now LIVE"))
            orders = try await harness.waitForOrders { $0[1].status == .filled }
            #expect(orders[1].status == .filled && orders[1].mode == .live)
            #expect(try await harness.relayer.accepted().count == 2)
        }
    }

    /// A crash after the POST, before the tracking id: the same signed intent goes out again,
    /// and its nonce makes a second execution impossible. Here the first POST was taken.
    @Test func aSignedIntentLeftByACrashIsSubmittedAgainAsItIsAndExecutesOnce() async throws {
        let chain = try await ChainPeer()
        let relayer = try await CopyHarness.relayer(on: chain)
        let url = try await AlfaBinary.freshDatabase()
        let environment = CopyHarness.environment(chain, relayer: relayer, database: url, Self.live)
        let settings = try Settings(lookup: { environment[$0] })
        let now = Self.time()
        let fill = Fill(blockNumber: 1, blockHash: .zero, blockTime: now, txHash: Hash32(hex: "0x" + String(repeating: "11", count: 32))!,
                        logIndex: 0, eventGeneration: "v2", trader: EVMAddress(hex: CopyHarness.leader)!, pairIndex: 1, tradeIndex: 0,
                        openTime: now, kind: .open, orderType: .market, isLong: true, price: Self.p, leverage: 100_000_000_000,
                        collateral: 1_000_000_000, positionCollateral: 1_000_000_000, percentProfit: 0, payout: 0, openingFee: 0,
                        closingFee: 0, rolloverFee: 0, orderID: 1)
        let open = CopyOpen(pairIndex: 1, isLong: true, collateral: 100_000_000, leverage: 100_000_000_000, price: Self.p, slippageBps: 50)
        let nonce = AvantisIntent.randomNonce()
        let deadline = now * 1_000 + 600_000
        let intent = AvantisIntent.marketOpen(trader: EVMAddress(hex: CopyHarness.wallet)!, pairIndex: 1, collateral: 100_000_000,
                                              price: Self.p, isLong: true, leverage: 100_000_000_000, slippageBps: 50,
                                              deadline: deadline, nonce: nonce)
        let signed = try AvantisIntent.sign(intent, with: try WalletKey(hex: CopyHarness.delegateKey),
                                            domainSeparator: AvantisIntent.domainSeparator(chainID: 8453, tradingRouter: settings.chain.trading))
        let pool = try await AlfaBinary.migratedPool(url: url)
        try await pool.withConnection { connection in
            let id = try #require(try CopyOrderRepository().record(signal: fill, fillID: 1, decision: .open(open), mode: .live,
                                                                    intentNonce: nonce, on: connection))
            try connection.query("INSERT INTO singleton_leases (name, epoch) VALUES ('copy executor', 1)")
            let stored = try CopyOrderRepository().transition(
                id, from: .intent(nonce: nonce), to: .signed(.init(nonce: nonce, digest: signed.digest, deadline: deadline)),
                signed: .init(wallet: EVMAddress(hex: CopyHarness.wallet)!, kind: intent.kind, orderType: 0, userIntent: signed.userIntent,
                              signature: signed.signature), epoch: 1, on: connection)
            #expect(stored)
        }
        await pool.close()
        // The POST that reached the relayer before the crash.
        _ = try await RelayerTests.submit(RelayerClient(base: relayer.base), (signed.userIntent, signed.signature))

        try await withCopyHarness(chain: chain, relayer: relayer, database: url, Self.live) { harness in
            let orders = try await harness.waitForOrders { $0.first?.live.ownFillID != nil }
            #expect(orders.first?.status == .filled && orders.first?.live.nonce == nonce, "\(orders)")
            try await Task.sleep(for: .seconds(2))
            #expect(try await relayer.accepted().count == 1)  // the repeat was refused: "nonce already used"
            #expect(try await harness.ownFills().count == 1)
        }
    }

    @Test func aCutStreamIsReplayedAndADeclinedOrAFailedOneIsToldAndCounted() async throws {
        try await withCopyHarness(Self.live.merging(["COPY_MAX_OPEN_POSITIONS": "10"]) { _, new in new }) { harness in
            let start = Self.time()
            try await harness.relayer.faults(#"{"cutAfter": 1}"#)
            try await harness.leaderOpens(pair: 1, openTime: start)
            var orders = try await harness.waitForOrders { $0.first?.status == .filled }
            #expect(orders.first?.status == .filled && orders.first?.keeperOrderID == 1001, "\(orders)")

            try await harness.relayer.faults(#"{"decline": true}"#)
            try await harness.leaderOpens(pair: 2, openTime: start + 1)
            orders = try await harness.waitForOrders { $0.count == 2 && !$0[1].status.isInFlight }
            #expect(orders[1].status == .declined && orders[1].reason == "declined by the protocol (slippage or price moved)", "\(orders)")
            try await harness.waitForAlert("Copy order 2 (open SOL/USD long): a copy order was declined")

            try await harness.relayer.faults(#"{"error": "ATTEMPTS_EXHAUSTED"}"#)
            try await harness.leaderOpens(pair: 3, openTime: start + 2)
            orders = try await harness.waitForOrders { $0.count == 3 && !$0[2].status.isInFlight }
            #expect(orders[2].status == .failed && orders[2].reason == "the relayer failed it: ATTEMPTS_EXHAUSTED (injected)", "\(orders)")
            try await harness.waitForAlert("Copy order 3 (open BNB/USD long): a copy order failed at the relayer")
            // Both count as failed executions for the breakers; neither position is ours.
            let inputs = try await harness.pool.withConnection { try BreakerRepository().inputs(capital: 1_000_000_000, on: $0) }
            #expect(inputs.executions.map(\.succeeded) == [true, false, false])
            #expect(await harness.control.statusLines().openPositions == 1)
        }
    }

    @Test func aDelegationEndingWithinSevenDaysWarnsTheAdminsOnce() async throws {
        try await withCopyHarness(Self.live.merging([
            "WALLET_DELEGATE_EXPIRES_AT": String(Self.time() + 3 * 86_400 - 60)]) { _, new in new }) { harness in
            let warnings = try await harness.waitForAlert("The delegate key's registration ends in 2 day(s) 23 h")
            #expect(warnings.count == 1 && warnings[0].contains("Register the delegate again"), "\(harness.alerts)")
            try await Task.sleep(for: .seconds(2.5))  // the timed checks ran again: still one warning today
            #expect(harness.alerts.filter { $0.contains("registration ends") }.count == 1)
        }
    }

    @Test func aRevokedDelegateFailsItsOrdersWithOneAlertNeverInALoop() async throws {
        let chain = try await ChainPeer()
        let relayer = try await RelayerPeer(chain: chain, chainID: 8453, router: chain.contracts["trading"]!)  // nobody registered
        try await withCopyHarness(chain: chain, relayer: relayer, database: nil,
                                  Self.live.merging(["COPY_MAX_OPEN_POSITIONS": "10"]) { _, new in new }) { harness in
            let start = Self.time()
            try await harness.leaderOpens(pair: 1, openTime: start)
            try await harness.leaderOpens(pair: 2, openTime: start + 1)
            let orders = try await harness.waitForOrders { $0.count == 2 && $0.allSatisfy { $0.status == .failed } }
            #expect(orders.allSatisfy { ($0.reason ?? "").contains("neither the trader nor a delegate") }, "\(orders)")
            try await Task.sleep(for: .seconds(1))
            #expect(harness.alerts.filter { $0.contains("The relayer refuses the delegate key") }.count == 1, "\(harness.alerts)")
            #expect(try await relayer.accepted().isEmpty)
        }
    }

    @Test func aDryCloseCaughtByTheStopFillsWhenTheStopIsCleared() async throws {
        try await withCopyHarness { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.status == .filled }
            _ = await harness.control.emergencyStop(by: 1001, reason: "test")
            try await harness.leaderCloses(price: Self.p + Self.p / 10, openTime: openTime)
            try await harness.leaderOpens(pair: 2, openTime: openTime + 1)
            var orders = try await harness.waitForOrders { $0.count == 3 }
            try await Task.sleep(for: .milliseconds(600))
            orders = try await harness.orders()
            #expect(orders[1].status == .intent && orders[2].status == .skipped)
            _ = await harness.control.emergencyStart(by: 1001)
            orders = try await harness.waitForOrders { $0[1].status == .filled }
            // Filled at the leader's close price (less the slippage), as the simulation would have then.
            #expect(orders[1].status == .filled && orders[1].fillPrice == Self.p + Self.p / 10 - (Self.p + Self.p / 10) * 50 / 10_000)
            #expect(orders[1].netPnL > 0)
        }
    }

    @Test func anEmergencyStopMidBurstLetsNothingBeSubmittedAfterItsReply() async throws {
        try await withCopyHarness(Self.live.merging(["COPY_MAX_OPEN_POSITIONS": "50"]) { _, new in new }) { harness in
            let start = Self.time()
            // The second half of the burst waits for the stop to be asked for: on a loaded machine the
            // whole burst could otherwise be filled before it, and there would be nothing to refuse.
            let stopping = Mutex(false)
            let burst = Task {
                for pair in 0..<16 {
                    while pair == 8, !stopping.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
                    try await harness.leaderOpens(pair: Int64(pair), openTime: start + Int64(pair))
                    try await Task.sleep(for: .milliseconds(60))
                }
            }
            _ = try await harness.waitForOrders { $0.filter { $0.status == .filled }.count >= 3 }
            stopping.withLock { $0 = true }
            let reply = await harness.control.emergencyStop(by: 1001, reason: "test burst")
            let stoppedAt = Date().timeIntervalSince1970
            #expect(reply.plainText.contains("Emergency stop engaged"))
            try await burst.value
            let orders = try await harness.waitForOrders { $0.count == 16 && !$0.contains { $0.status.isInFlight } }
            try await Task.sleep(for: .seconds(1))

            let accepted = try await harness.relayer.accepted()
            let beforeTheStop = accepted.allSatisfy { $0.at <= stoppedAt }
            #expect(beforeTheStop, "an intent reached the relayer after the stop's reply")
            #expect(orders.count == 16)
            let afterStop = orders.filter { $0.status == .skipped || $0.status == .failed }
            let heldByTheStop = afterStop.allSatisfy { ($0.reason ?? "").contains("emergency stop") || ($0.reason ?? "").contains("not allowed") }
            let reasons = afterStop.map { $0.reason ?? "-" }
            #expect(!afterStop.isEmpty && heldByTheStop, "\(reasons)")
            let filled = orders.filter { $0.status == .filled }
            #expect(filled.count == accepted.count)
            let toldTheStop = harness.alerts.contains { $0.contains("Emergency stop engaged by admin 1001") }
            #expect(toldTheStop)
            #expect(await harness.control.execution().emergencyStop)
        }
    }

    @Test func everyStateSurvivesARestartAndEmergencyStopTrueForcesTheStop() async throws {
        let chain = try await ChainPeer()
        let database = try await AlfaBinary.freshDatabase()
        let wallet = ["WALLET_ADDRESS": CopyHarness.wallet, "WALLET_DELEGATE_KEY": CopyHarness.delegateKey]
        func restarted(_ extra: [String: String] = wallet) async throws -> ExecutionState {
            let harness = try await CopyHarness(chain: chain, database: database, extra)
            let state = await harness.control.execution()
            await harness.stop()
            return state
        }
        var harness = try await CopyHarness(chain: chain, database: database, wallet)
        #expect(await harness.control.execution().mode == .dry)
        #expect(await harness.control.setMode(.live, by: 1001).plainText.contains("now LIVE"))
        await harness.stop()
        var state = try await restarted()
        #expect(state.mode == .live && !state.emergencyStop && state.changedBy == .admin(1001))

        harness = try await CopyHarness(chain: chain, database: database, wallet)
        _ = await harness.control.emergencyStop(by: 1002, reason: "drill")
        await harness.stop()
        state = try await restarted()
        #expect(state.emergencyStop && state.changedBy == .admin(1002) && state.reason == "drill")

        harness = try await CopyHarness(chain: chain, database: database, wallet)
        #expect(await harness.control.emergencyStart(by: 1001).plainText.contains("Mode is DRY"))
        await harness.stop()
        state = try await restarted()
        #expect(state.mode == .dry && !state.emergencyStop)

        // Every change is on record: who, why, in order.
        let history = try await AlfaBinary.migratedPool(url: database).withConnection { try ExecutionRepository().history(limit: 10, on: $0) }
        #expect(history.map(\.by) == ["admin 1001", "admin 1002", "admin 1001", "env"])
        #expect(history.map(\.reason) == ["chat", "drill", "chat", nil])
        #expect(history.map(\.mode) == ["DRY", "LIVE", "LIVE", "DRY"] && history.map(\.stop) == [false, true, false, false])

        state = try await restarted(wallet.merging(["EMERGENCY_STOP": "true"]) { $1 })
        #expect(state.emergencyStop && state.changedBy == .environment)
        // Without EMERGENCY_STOP the stored stop still holds.
        state = try await restarted()
        #expect(state.emergencyStop)
    }

    /// The one-second figure is measured by `alfa bench copy` (a timed test would flake on a
    /// loaded CI machine); here the NOTIFY path is proven: the periodic re-read is 5 s away.
    @Test func aStopTypedOnOneReplicaReachesAnotherByNotify() async throws {
        let chain = try await ChainPeer()
        let database = try await AlfaBinary.freshDatabase()
        try await withCopyHarness(chain: chain, database: database) { first in
            try await withCopyHarness(chain: chain, database: database, indexing: false) { second in
                #expect(!(await second.control.execution().emergencyStop))
                // Both listeners are up and have read once; their next periodic read is 5 s away, so only
                // the NOTIFY can bring the stop to the second replica within the second.
                try await Task.sleep(for: .seconds(1))
                _ = await first.control.emergencyStop(by: 1001, reason: "drill")
                let stoppedAt = ContinuousClock.now
                while !(await second.control.execution().emergencyStop), ContinuousClock.now - stoppedAt < .seconds(10) {
                    try await Task.sleep(for: .milliseconds(10))
                }
                let delay = ContinuousClock.now - stoppedAt
                #expect(await second.control.execution().emergencyStop)
                #expect(delay < .seconds(4), "the other replica took \(delay): not by NOTIFY")
                #expect(second.execution.manager.gate.allows(.dry) == false)
            }
        }
    }

    @Test func liveNeedsAWalletAndABadKeyOrWrongChainIsRefusedAtStartWithoutPrintingTheKey() async throws {
        let chain = try await ChainPeer()
        // DRY never reads the key, even a bad one.
        let dry = try await CopyHarness(chain: chain, database: nil, ["WALLET_PRIVATE_KEY": "0x1234deadbeef"])
        #expect(await dry.control.setMode(.live, by: 1001).plainText.contains("WALLET_PRIVATE_KEY is refused"))
        #expect(await dry.control.execution().mode == .dry)
        await dry.stop()
        let none = try await CopyHarness(chain: chain, database: nil)
        #expect(await none.control.setMode(.live, by: 1001).plainText.contains("no wallet is configured"))
        await none.stop()

        do {
            _ = try await CopyHarness(chain: chain, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": "0x1234deadbeef"])
            Issue.record("a bad key was accepted in LIVE")
        } catch {
            #expect("\(error)".contains("WALLET_PRIVATE_KEY is refused") && !"\(error)".contains("1234deadbeef"))
        }
        do {
            _ = try await CopyHarness(chain: chain, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "CHAIN_ID": "1",
                                                                      "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
            Issue.record("a wrong chain id was accepted in LIVE")
        } catch {
            #expect("\(error)".contains("CHAIN_ID is 1") && !"\(error)".contains(CopyHarness.walletKey.dropFirst(2)))
        }
    }
}
