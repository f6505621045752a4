import AlfaCore
import AlfaStore
import Foundation
import Testing

/// `alfa serve` processes, killed as a machine would kill them.
@Suite("Copy executor across crashes and replicas (alfa serve)")
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

    /// The engine has started once its cursor row exists.
    static func waitForEngine(_ pool: PostgresPool) async throws {
        let deadline = Date().addingTimeInterval(40)
        while Date() < deadline {
            if try await pool.withConnection({ try $0.query("SELECT 1 FROM copy_cursor").count }) == 1 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the copy engine never started")
    }

    @Test func killNineBetweenStoringAndSendingNeverSendsTwice() async throws {
        let chain = try ChainPeer()
        let database = try AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = CopyHarness.environment(chain, database: database, ["COPY_EXECUTION_MODE": "LIVE",
                                                                      "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
        let pool = PostgresPool(configuration: .init(url: database, size: 1))
        defer { Task { await pool.close() } }
        _ = try await chain.rpc("alfa_fund", #"[{"address":"\#(CopyHarness.wallet)","eth":"1000000000000000000","usdc":1000000000000}]"#)
        // Every send reaches the node 3 s late: time to kill alfa while its order is stored as signed.
        try await chain.faults(#"{"sendDelaySeconds":3}"#)
        let first = try Self.serve(env)
        try await Self.waitForEngine(pool)
        try await chain.execute([[.marketOpen(CopyHarness.leader, pair: 1, collateral: 1_000_000_000, price: CopyHarness.price,
                                              openTime: Int64(Date().timeIntervalSince1970))]])
        let signed = try await Self.waitFor(pool) { $0.first?.status == .signed }
        #expect(signed.first?.status == .signed)
        await Self.stop(first, SIGKILL)
        try await chain.faults(#"{"sendDelaySeconds":0}"#)

        let second = try Self.serve(env)
        let orders = try await Self.waitFor(pool) { $0.first?.status == .filled }
        try await Task.sleep(for: .seconds(4))  // the killed process's delayed send lands by now
        await Self.stop(second, SIGTERM)
        #expect(orders.count == 1 && orders[0].status == .filled, "\(orders)")
        let sent = try JSONDecoder().decode([CopyHarness.SentTransaction].self,
                                            from: Data(try await chain.rpc("alfa_sent", #"[{"from":"\#(CopyHarness.wallet)"}]"#)))
        let opens = sent.filter { $0.input.dropFirst(2).hasPrefix(CopyTradingTests.openTradeSelector) }
        #expect(opens.count == 1 && opens[0].nonce == orders[0].nonce)
        #expect(Set(sent.map(\.nonce)).count == sent.count)
    }

    @Test func twoReplicasRunOneExecutorAndTheOtherTakesOverWhenItDies() async throws {
        let chain = try ChainPeer()
        let database = try AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = CopyHarness.environment(chain, database: database)
        let pool = PostgresPool(configuration: .init(url: database, size: 1))
        defer { Task { await pool.close() } }
        let first = try Self.serve(env)
        try await Self.waitForEngine(pool)
        let second = try Self.serve(env)
        try await Task.sleep(for: .seconds(2))
        let start = Int64(Date().timeIntervalSince1970)
        for pair in 0..<3 {
            try await chain.execute([[.marketOpen(CopyHarness.leader, pair: Int64(pair), collateral: 1_000_000_000,
                                                  price: CopyHarness.price, openTime: start + Int64(pair))]])
        }
        var orders = try await Self.waitFor(pool) { $0.count == 3 && $0.allSatisfy { $0.status == .filled } }
        #expect(orders.count == 3 && orders.allSatisfy { $0.status == .filled })
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
        orders = try await Self.waitFor(pool) { $0.count == 5 && $0.allSatisfy { $0.status == .filled } }
        let log = await Self.stop(second, SIGTERM)
        #expect(log.contains("this replica runs the copy executor"))
        #expect(orders.count == 5 && orders.allSatisfy { $0.status == .filled }, "\(orders.map(\.status))\n\(log.suffix(3000))")
        #expect(Set(orders.map(\.leaderFillID)).count == 5)
    }
}
