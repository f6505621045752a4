import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

/// `alfa serve` processes, killed as a machine would kill them.
@Suite("Copy executor across crashes and replicas (alfa serve)", .postgres)
struct CopyReplicaTests {
    static func serve(_ env: [String: String]) throws -> ChildProcess { try AlfaBinary.start(["serve"], env) }

    @discardableResult
    static func stop(_ child: ChildProcess, _ signal: Int32) async -> String {
        child.signal(signal)
        let outcome = try? await BlockingWorker(name: "alfa-serve-wait").run { child.wait() }
        return (outcome?.output ?? "") + (outcome?.errorOutput ?? "")
    }

    static func orders(_ pool: PostgresPool) async throws -> [CopyOrder] {
        try await pool.withConnection { try CopyOrderRepository().all(on: $0) }
    }

    static func waitFor(_ pool: PostgresPool, seconds: Double = 40, _ condition: ([CopyOrder]) -> Bool) async throws -> [CopyOrder] {
        let deadline = Date().addingTimeInterval(seconds)
        var current = try await orders(pool)
        while !condition(current), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            current = try await orders(pool)
        }
        return current
    }

    /// A chain, the fake relayer on it, a migrated database and the LIVE environment of `alfa serve`.
    static func liveStack() async throws -> (ChainPeer, RelayerPeer, [String: String], PostgresPool) {
        let chain = try await ChainPeer()
        let relayer = try await CopyHarness.relayer(on: chain)
        let database = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = CopyHarness.environment(chain, relayer: relayer, database: database, CopyHarness.live)
        return (chain, relayer, env, PostgresPool(configuration: .init(url: database, size: 1)))
    }

    /// The engine has started once its cursor row exists.
    static func waitForEngine(_ pool: PostgresPool) async throws {
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            if try await pool.withConnection({ try $0.query("SELECT 1 FROM copy_cursor").count }) == 1 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the copy engine never started")
    }

    /// kill -9 with the order stored in each state the relayer can hold it in: after the POST
    /// but before the tracking id (signed), and after it (accepted). The restarted alfa submits
    /// the same intent again or replays it; the chain has our fill exactly once.
    @Test(arguments: [
        ("signed", #"{"acceptDelaySeconds": 4}"#),
        ("accepted", #"{"executeDelaySeconds": 4}"#),
    ])
    func killNineAfterEachStoredStateExecutesExactlyOnce(state: String, faults: String) async throws {
        let (chain, relayer, env, pool) = try await Self.liveStack()
        try await closing(pool) { pool in
            try await relayer.faults(faults)
            let first = try Self.serve(env)
            try await Self.waitForEngine(pool)
            try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 1, collateral: 1_000_000_000, price: CopyHarness.price,
                                                  openTime: Int64(Date().timeIntervalSince1970))]])
            let stored = try await Self.waitFor(pool) { $0.first?.status.rawValue == state }
            #expect(stored.first?.status.rawValue == state, "\(stored)")
            await Self.stop(first, SIGKILL)
            try await relayer.faults("{}")

            let second = try Self.serve(env)
            let orders = try await Self.waitFor(pool, seconds: 60) { $0.first?.live.ownFillID != nil }
            try await Task.sleep(for: .seconds(5))  // the killed process's POST has run its course by now
            let log = await Self.stop(second, SIGTERM)
            #expect(orders.count == 1 && orders[0].status == .filled, "\(orders)\n\(log.suffix(2000))")
            let own = try await pool.withConnection { try FillRepository().fills(of: EVMAddress(hex: CopyHarness.wallet)!, on: $0) }
            #expect(own.count == 1, "our fills on chain: \(own.count)")
            #expect(try await relayer.accepted().map(\.nonce) == [orders[0].live.nonce!])
        }
    }

    /// kill -9 while a close waits as a bare intent (the stop held it): after the restart, LIVE
    /// again, it is signed and executed once.
    @Test func killNineWithAWaitingIntentSendsItOnceAfterTheRestart() async throws {
        let (chain, relayer, env, pool) = try await Self.liveStack()
        try await closing(pool) { pool in
            let first = try Self.serve(env)
            try await Self.waitForEngine(pool)
            let openTime = Int64(Date().timeIntervalSince1970)
            try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 1, collateral: 1_000_000_000, price: CopyHarness.price,
                                                  openTime: openTime)]])
            _ = try await Self.waitFor(pool) { $0.first?.live.ownFillID != nil }
            try await pool.withConnection { connection in
                try connection.query("UPDATE execution_state SET emergency_stop = true")
                try connection.query("SELECT pg_notify('alfa_execution', 'test')")
            }
            try await Task.sleep(for: .seconds(2))
            try await chain.execute([[.marketClose(CopyHarness.leader, pair: 1, position: 1_000_000_000, closing: 1_000_000_000,
                                                   entry: CopyHarness.price, price: CopyHarness.price, percentProfit: 0,
                                                   payout: 1_000_000_000, closingFee: 0, openTime: openTime)]])
            let held = try await Self.waitFor(pool) { $0.count == 2 }
            #expect(held.count == 2 && held[1].status == .intent, "\(held)")
            await Self.stop(first, SIGKILL)
            try await pool.withConnection { try $0.query("UPDATE execution_state SET emergency_stop = false, mode = 'LIVE'") }

            let second = try Self.serve(env)
            let orders = try await Self.waitFor(pool, seconds: 60) { $0.count == 2 && $0[1].live.ownFillID != nil }
            await Self.stop(second, SIGTERM)
            #expect(orders[1].status == .filled, "\(orders)")
            #expect(try await relayer.accepted().map(\.kind) == ["OpenTradeReq", "CloseTradeReq"])
        }
    }

    /// Two LIVE replicas, the executor's holder killed with SIGKILL: the other takes over, and
    /// every order is submitted once (one nonce each at the relayer) and filled once on chain.
    @Test func twoLiveReplicasRunOneExecutorAndTheOtherTakesOverWhenItDies() async throws {
        let (chain, relayer, env, pool) = try await Self.liveStack()
        try await closing(pool) { pool in
            let first = try Self.serve(env)
            try await Self.waitForEngine(pool)
            let second = try Self.serve(env)
            try await Task.sleep(for: .seconds(2))
            let start = Int64(Date().timeIntervalSince1970)
            for pair in 0..<3 {
                try await chain.execute([[.marketOpen(CopyHarness.leader, pair: Int64(pair), collateral: 1_000_000_000,
                                                      price: CopyHarness.price, openTime: start + Int64(pair))]])
            }
            var orders = try await Self.waitFor(pool) { $0.count == 3 && $0.allSatisfy { $0.live.ownFillID != nil } }
            let allFilled = orders.allSatisfy { $0.status == .filled }
            #expect(orders.count == 3 && allFilled)
            let locks = try await pool.withConnection {
                // The executor's key, 0x616c6661_636f7079 ("alfacopy"), as PostgreSQL splits it.
                try $0.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                             + "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                             + "AND (classid::bigint << 32 | objid::bigint) = $1", [CopyOrderRepository.executorLockKey])
                    .first?.decode(0, as: Int64.self)
            }
            #expect(locks == 1)  // one executor

            await Self.stop(first, SIGKILL)
            for pair in 3..<5 {
                try await chain.execute([[.marketOpen(CopyHarness.leader, pair: Int64(pair), collateral: 1_000_000_000,
                                                      price: CopyHarness.price, openTime: start + Int64(pair))]])
            }
            orders = try await Self.waitFor(pool, seconds: 60) { $0.count == 5 && $0.allSatisfy { $0.live.ownFillID != nil } }
            let log = await Self.stop(second, SIGTERM)
            #expect(log.contains("this replica runs the copy executor"))
            let allFilledAfterTheRestart = orders.allSatisfy { $0.status == .filled }
            #expect(orders.count == 5 && allFilledAfterTheRestart, "\(orders.map(\.status))\n\(log.suffix(3000))")
            try await Self.expectEachSubmittedOnce(orders, relayer: relayer, pool: pool)
        }
    }

    /// A PostgreSQL restart under two LIVE replicas: both lose their sessions and locks, both
    /// live through it (the indexer retries a lost database), one executor runs again after it,
    /// and no order is submitted twice.
    @Test func aPostgreSQLRestartUnderTwoLiveReplicasSubmitsEachOrderOnce() async throws {
        let cluster = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-restart-pg-\(UUID())").path
        let database = try await Self.cluster("start", cluster).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? Self.runCluster("remove", cluster) }
        let chain = try await ChainPeer()
        let relayer = try await CopyHarness.relayer(on: chain)
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = CopyHarness.environment(chain, relayer: relayer, database: database, CopyHarness.live)
        var pool = PostgresPool(configuration: .init(url: database, size: 1))
        let first = try Self.serve(env)
        let second = try Self.serve(env)
        try await Self.waitForEngine(pool)
        let start = Int64(Date().timeIntervalSince1970)
        try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 0, collateral: 1_000_000_000, price: CopyHarness.price,
                                              openTime: start)]])
        _ = try await Self.waitFor(pool) { $0.count == 1 && $0[0].live.ownFillID != nil }

        _ = try await Self.cluster("restart", cluster)
        await pool.close()  // the test's own session is gone too
        pool = PostgresPool(configuration: .init(url: database, size: 1))
        try await closing(pool) { pool in
            for pair in 1..<3 {
                try await chain.execute([[.marketOpen(CopyHarness.leader, pair: Int64(pair), collateral: 1_000_000_000,
                                                      price: CopyHarness.price, openTime: start + Int64(pair))]])
            }
            let orders = try await Self.waitFor(pool, seconds: 90) { $0.count == 3 && $0.allSatisfy { $0.live.ownFillID != nil } }
            let logs = [await Self.stop(first, SIGTERM), await Self.stop(second, SIGTERM)]
            let allFilled = orders.allSatisfy { $0.status == .filled }
            let tails = logs.map { $0.suffix(2000) }
            #expect(orders.count == 3 && allFilled, "\(orders)\n\(tails)")
            try await Self.expectEachSubmittedOnce(orders, relayer: relayer, pool: pool)
        }
    }

    /// One nonce per order at the relayer, none twice, and one fill of ours on chain per order.
    static func expectEachSubmittedOnce(_ orders: [CopyOrder], relayer: RelayerPeer, pool: PostgresPool,
                                        sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let accepted = try await relayer.accepted().map(\.nonce)
        #expect(accepted.sorted() == orders.compactMap(\.live.nonce).sorted(), sourceLocation: sourceLocation)
        let own = try await pool.withConnection { try FillRepository().fills(of: EVMAddress(hex: CopyHarness.wallet)!, on: $0) }
        #expect(own.count == orders.count, sourceLocation: sourceLocation)
    }

    /// `commands/lib/pg-cluster COMMAND DIR`: a cluster of this test's own, to restart.
    static func cluster(_ command: String, _ dir: String) async throws -> String {
        try await BlockingWorker.once("pg-cluster") { try Self.runCluster(command, dir) }
    }

    private static func runCluster(_ command: String, _ dir: String) throws -> String {
        try ChildProcess.run(AlfaBinary.root + "/commands/lib/pg-cluster", [command, dir])
    }
}
