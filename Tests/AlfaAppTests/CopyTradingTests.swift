@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaStore
import Foundation
import Testing

/// The copy engine against the local EVM (with its keeper) and a real PostgreSQL.
@Suite("Copy trading: DRY and LIVE, stop, restarts")
struct CopyTradingTests {
    static let p = CopyHarness.price
    static let openTradeSelector = "19cde9a1"
    static let closeTradeSelector = Hex.encode(AvantisCalls.closeTradeMarketSelector)
    static let approveSelector = Hex.encode(AvantisCalls.approveSelector)

    static func time() -> Int64 { Int64(Date().timeIntervalSince1970) }

    @Test func dryCopiesOpensPartialAndFullClosesAndNeverSendsATransaction() async throws {
        let harness = try await CopyHarness()
        defer { Task { await harness.stop() } }
        let openTime = Self.time()
        try await harness.leaderOpens(openTime: openTime)
        var orders = try await harness.waitForOrders { $0.first?.status == .filled }
        let open = try #require(orders.first)
        #expect(open.action == .open && open.mode == .dry && open.pairIndex == 1 && open.isLong)
        #expect(open.collateral == 100_000_000 && open.leverage == 100_000_000_000)
        #expect(open.fillPrice == Self.p + Self.p * 50 / 10_000)   // the leader's price, 0.5 % against us
        #expect(open.fee == 600_000)                                  // the leader's 0.06 % on our 1,000 USDC notional
        #expect(open.fillCollateral == 99_400_000)

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
        #expect(lines[1].contains(",open,DRY,filled,,1,true,100,10,"))
        let json = try await AlfaBinary.run(["export", "orders", "--format", "json"], ["DATABASE_URL": harness.url])
        let rows = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(rows?.count == 4 && rows?[3]["reason"] as? String == "no mirrored position to close")
    }

    @Test func liveSignsAndSendsOrdersTheNodeAcceptsAndMatchesTheKeepersFills() async throws {
        let harness = try await CopyHarness(chain: nil, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        let openTime = Self.time()
        try await harness.leaderOpens(openTime: openTime)
        var orders = try await harness.waitForOrders { $0.first?.status == .filled }
        let open = try #require(orders.first)
        #expect(open.mode == .live && open.status == .filled && open.nonce == 1 && open.tradeIndex == 0 && open.keeperOrderID == 1,
                "\(open)")
        #expect(open.fillPrice == Self.p && open.gasUSDC > 0)

        // The keeper fills the close 10 % higher: a profit at 10×.
        _ = try await harness.chain.rpc("alfa_keeper", #"[{"prices":{"1":\#(Self.p + Self.p / 10)}}]"#)
        try await harness.leaderCloses(price: Self.p + Self.p / 10, openTime: openTime)
        orders = try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
        #expect(orders[1].action == .close && orders[1].keeperOrderID == 2 && orders[1].netPnL > 90_000_000)

        let sent = try await harness.sentByWallet()
        #expect(sent.map(\.nonce) == [0, 1, 2])
        #expect(sent.allSatisfy { $0.status == 1 && $0.chainId == 8453 })
        #expect(sent[0].input.dropFirst(2).hasPrefix(Self.approveSelector))
        #expect(sent[1].input.dropFirst(2).hasPrefix(Self.openTradeSelector))
        #expect(sent[1].to?.lowercased() == harness.chain.contracts["trading"]!.lowercased())
        let expectedOpen = AvantisCalls.openTrade(trader: EVMAddress(hex: CopyHarness.wallet)!, pairIndex: 1, collateral: 100_000_000,
                                                  price: Self.p, isLong: true, leverage: 100_000_000_000, slippageBps: 50)
        #expect(sent[1].input == "0x" + Hex.encode(expectedOpen))
        let expectedClose = AvantisCalls.closeTradeMarket(pairIndex: 1, tradeIndex: 0, collateral: open.fillCollateral!)
        #expect(sent[2].input == "0x" + Hex.encode(expectedClose))
    }

    @Test func anOrderTheKeeperLeavesUnansweredIsReportedOnceAndStillSettles() async throws {
        let harness = try await CopyHarness(chain: nil, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey,
                                                                       "COPY_ORDER_TIMEOUT_SECONDS": "5"])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        _ = try await harness.chain.rpc("alfa_keeper", #"[{"mode":"manual"}]"#)
        try await harness.leaderOpens(openTime: Self.time())
        let waiting = try await harness.waitForOrders { $0.first?.keeperOrderID != nil }
        #expect(waiting.first?.status == .submitted)
        let title = "Copy order 1 (open pair 1 long) unanswered for"
        try await harness.waitForAlert(title)
        // Three more timed checks: still one alert.
        try await Task.sleep(for: .seconds(3))
        let alerts = harness.alerts.filter { $0.contains(title) }
        #expect(alerts.count == 1, "\(harness.alerts)")
        #expect(alerts.first?.contains("the keeper has not executed order 1") == true)
        // The keeper answers at last: the order settles as usual.
        _ = try await harness.chain.rpc("alfa_keep")
        let orders = try await harness.waitForOrders { $0.first?.status == .filled }
        #expect(orders.first?.status == .filled)
    }

    @Test func underTheStopOpensAreDroppedAndClosesWaitForTradingToResume() async throws {
        let harness = try await CopyHarness(chain: nil, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey,
                                                                       "COPY_ORDER_TIMEOUT_SECONDS": "5"])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        let openTime = Self.time()
        try await harness.leaderOpens(openTime: openTime)
        try await harness.waitForOrders { $0.first?.status == .filled }
        _ = await harness.control.emergencyStop(by: 1001, reason: "test")
        try await harness.leaderCloses(price: Self.p, openTime: openTime)
        var orders = try await harness.waitForOrders { $0.count == 2 }
        #expect(orders[1].action == .close && orders[1].status == .intent)
        // The admins hear that a real position stays open while its close waits.
        let title = "Copy order 2 (close pair 1 long) unanswered for"
        try await harness.waitForAlert(title)
        #expect(harness.alerts.contains { $0.contains(title) && $0.contains("our position stays open on chain") }, "\(harness.alerts)")
        #expect(try await harness.sentByWallet().count == 2)  // approve and the open: nothing while stopped
        #expect(try await harness.orders()[1].status == .intent)
        // Waiting is not settling: the engine does not ask for a breaker evaluation on every loop.
        #expect(try await harness.execution.engine.step() == 0)

        // Cleared (DRY): still held, the key not needed. LIVE again: the close goes out.
        _ = await harness.control.emergencyStart(by: 1001)
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await harness.orders()[1].status == .intent)
        #expect(await harness.control.setMode(.live, by: 1001).plainText.contains("now LIVE"))
        orders = try await harness.waitForOrders { $0[1].status == .filled }
        #expect(orders[1].status == .filled && orders[1].mode == .live)
        #expect(try await harness.sentByWallet().count == 3)
    }

    @Test func aStaleSignedOpenLeftByACrashIsReleasedNotSent() async throws {
        // As a crash between storing and sending leaves it, but two hours ago: signed, never sent.
        let chain = try ChainPeer()
        let url = try AlfaBinary.freshDatabase()
        let environment = CopyHarness.environment(chain, database: url)
        let settings = try Settings(lookup: { environment[$0] })
        let wallet = try WalletKey(hex: CopyHarness.walletKey)
        let old = Self.time() - 7_200
        let fill = Fill(blockNumber: 1, blockHash: .zero, blockTime: old, txHash: Hash32(hex: "0x" + String(repeating: "11", count: 32))!,
                        logIndex: 0, eventGeneration: "v1.5", trader: EVMAddress(hex: CopyHarness.leader)!, pairIndex: 1, tradeIndex: 0,
                        openTime: old, kind: .open, orderType: .market, isLong: true, price: Self.p, leverage: 100_000_000_000,
                        collateral: 1_000_000_000, positionCollateral: 1_000_000_000, percentProfit: 0, payout: 0, openingFee: 0,
                        closingFee: 0, rolloverFee: 0, orderID: 1)
        let open = CopyOpen(pairIndex: 1, isLong: true, collateral: 100_000_000, leverage: 100_000_000_000, price: Self.p, slippageBps: 50)
        let signed = wallet.sign(EIP1559Transaction(
            chainID: settings.chain.chainID, nonce: 0, maxPriorityFeePerGas: 1_000_000, maxFeePerGas: 20_000_000_000, gasLimit: 500_000,
            to: settings.chain.trading, data: AvantisCalls.openTrade(trader: wallet.address, pairIndex: 1, collateral: 100_000_000,
                                                                     price: Self.p, isLong: true, leverage: 100_000_000_000, slippageBps: 50)))
        let pool = try await AlfaBinary.migratedPool(url: url)
        try await pool.withConnection { connection in
            let id = try #require(try CopyOrderRepository().record(signal: fill, fillID: 1, decision: .open(open), mode: .live, on: connection))
            try CopyOrderRepository().markSigned(id, nonce: 0, txHash: signed.hash, raw: signed.raw, on: connection)
        }
        await pool.close()

        let harness = try await CopyHarness(chain: chain, database: url, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        var orders = try await harness.waitForOrders { $0.first?.status == .failed }
        #expect(orders.first?.status == .failed && orders.first?.nonce == nil, "\(orders)")
        #expect(orders.first?.reason?.contains("older than COPY_MAX_SIGNAL_AGE_SECONDS: not re-sent") == true)
        #expect(try await harness.sentByWallet().isEmpty)
        // Its nonce is free again: the next open takes the chain's own sequence, without a gap.
        try await harness.leaderOpens(openTime: Self.time())
        orders = try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
        #expect(try await harness.sentByWallet().map(\.nonce) == [0, 1])  // approve, open
    }

    @Test func aDryCloseCaughtByTheStopFillsWhenTheStopIsCleared() async throws {
        let harness = try await CopyHarness()
        defer { Task { await harness.stop() } }
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

    @Test func anEmergencyStopMidBurstLetsNothingBeSentAfterIt() async throws {
        let harness = try await CopyHarness(chain: nil, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey,
                                                       "COPY_MAX_OPEN_POSITIONS": "50"])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        let start = Self.time()
        let burst = Task {
            for pair in 0..<16 {
                try await harness.leaderOpens(pair: Int64(pair), openTime: start + Int64(pair))
                try await Task.sleep(for: .milliseconds(60))
            }
        }
        _ = try await harness.waitForOrders { $0.filter { $0.status == .filled }.count >= 3 }
        let reply = await harness.control.emergencyStop(by: 1001, reason: "test burst")
        let stoppedAt = Date().timeIntervalSince1970
        let sentAtStop = try await harness.sentByWallet().count
        #expect(reply.plainText.contains("Emergency stop engaged"))
        try await burst.value
        let orders = try await harness.waitForOrders { $0.count == 16 && !$0.contains { $0.status == .intent } }
        try await Task.sleep(for: .seconds(1))

        let sent = try await harness.sentByWallet()
        #expect(sent.count == sentAtStop)
        #expect(sent.allSatisfy { $0.at <= stoppedAt }, "a transaction reached the node after the stop")
        #expect(orders.count == 16)
        let afterStop = orders.filter { $0.status == .skipped || $0.status == .failed }
        #expect(!afterStop.isEmpty && afterStop.allSatisfy { ($0.reason ?? "").contains("emergency stop") || ($0.reason ?? "").contains("not allowed") },
                "\(afterStop.map { $0.reason ?? "-" })")
        #expect(harness.alerts.contains { $0.contains("Emergency stop engaged by admin 1001") })
        #expect(await harness.control.execution().emergencyStop)
    }

    @Test func everyStateSurvivesARestartAndEmergencyStopTrueForcesTheStop() async throws {
        let chain = try ChainPeer()
        let database = try AlfaBinary.freshDatabase()
        let wallet = ["WALLET_PRIVATE_KEY": CopyHarness.walletKey]
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
        let chain = try ChainPeer()
        let database = try AlfaBinary.freshDatabase()
        let first = try await CopyHarness(chain: chain, database: database)
        let second = try await CopyHarness(chain: chain, database: database, indexing: false)
        defer { Task { await first.stop(); await second.stop() } }
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

    @Test func anOpenTheKeeperCancelsIsMarkedCanceled() async throws {
        let harness = try await CopyHarness(chain: nil, database: nil, ["COPY_EXECUTION_MODE": "LIVE", "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
        defer { Task { await harness.stop() } }
        try await harness.fundWallet()
        _ = try await harness.chain.rpc("alfa_keeper", #"[{"mode":"cancel"}]"#)
        try await harness.leaderOpens(openTime: Self.time())
        let orders = try await harness.waitForOrders { $0.first?.status == .canceled }
        #expect(orders.first?.status == .canceled && orders.first?.reason?.contains("MarketOpenCanceled") == true, "\(orders)")
        #expect(await harness.control.statusLines().openPositions == 0)
    }

    @Test func liveNeedsAWalletAndABadKeyOrWrongChainIsRefusedAtStartWithoutPrintingTheKey() async throws {
        let chain = try ChainPeer()
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
