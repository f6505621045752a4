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

/// The indexer against a real EVM (alysis + the mock Avantis contracts) and a real PostgreSQL.
@Suite("Indexer (local EVM and PostgreSQL)", .postgres)
struct IndexerTests {
    static let alice = "0x00000000000000000000000000000000000a11ce"
    static let bob = "0x0000000000000000000000000000000000000b0b"
    static let carol = "0x00000000000000000000000000000000000ca201"
    static let dave = "0x0000000000000000000000000000000000000da3"
    static let price: Int64 = 650_000_000_000_000  // 65,000 × 1e10

    struct Harness {
        let chain: ChainPeer
        let pool: PostgresPool
        let indexer: Indexer
    }

    static func harness(_ chain: ChainPeer, urls: [String]? = nil, page: Int64 = 4, confirmations: Int64 = 3, concurrency: Int = 8,
                        pool existing: PostgresPool? = nil, alerts: AlertCenter? = nil) async throws -> Harness {
        let pool: PostgresPool
        if let existing { pool = existing } else { pool = try await AlfaBinary.migratedPool() }
        let rpc = JSONRPCClient(urls: (urls ?? chain.urls).map(Secret.init), expectedChainID: 8453, timeoutSeconds: 10)
        var settings = try Settings(lookup: { _ in nil }).indexer
        settings.startBlock = 1
        settings.page = page
        settings.confirmations = confirmations
        settings.concurrency = concurrency
        settings.pollSeconds = 0.05
        let indexer = Indexer(rpc: rpc, pool: pool, addresses: chain.addresses, options: settings,
                              logger: Logger(label: "test.indexer"), alerts: alerts)
        return Harness(chain: chain, pool: pool, indexer: indexer)
    }

    /// Opens, partial and full closes, TP, SL, liquidation, two closes in one transaction,
    /// v1 after v1.5, a cancelled open, an unknown topic0 and malformed data.
    static func tradeEverything(on chain: ChainPeer) async throws {
        let p = price
        try await chain.execute([[.marketOpen(alice, pair: 1, collateral: 99_000_000, fee: 1_000_000, price: p)]])
        try await chain.execute([[.marketClose(alice, pair: 1, position: 99_000_000, closing: 33_000_000, entry: p,
                                               price: p + p / 100, percentProfit: 100_000_000_000, payout: 36_000_000,
                                               rollover: 100_000, closingFee: 300_000)]])
        try await chain.execute([[.marketClose(alice, pair: 1, position: 66_000_000, closing: 66_000_000, entry: p,
                                               price: p - p / 200, percentProfit: -50_000_000_000, payout: 62_000_000,
                                               rollover: 200_000, closingFee: 500_000)]])
        // Bob: limit open then take-profit; open then stop-loss; open then liquidation.
        try await chain.execute([[.limit(bob, orderType: 3, pair: 2, index: 1, collateral: 50_000_000, entry: p, price: p, fee: 400_000)]])
        try await chain.execute([[.limit(bob, orderType: 0, pair: 2, index: 1, collateral: 50_000_000, entry: p, price: p + p / 50,
                                         percentProfit: 200_000_000_000, payout: 59_000_000, fee: 250_000)]])
        try await chain.execute([[.marketOpen(bob, pair: 2, index: 1, collateral: 40_000_000, fee: 300_000, price: p, openTime: 1_800_000_100)]])
        try await chain.execute([[.limit(bob, orderType: 1, pair: 2, index: 1, collateral: 40_000_000, entry: p, price: p - p / 50,
                                         percentProfit: -200_000_000_000, payout: 31_000_000, fee: 150_000, openTime: 1_800_000_100)]])
        try await chain.execute([[.marketOpen(bob, pair: 3, index: 0, collateral: 20_000_000, price: p, buy: false)]])
        try await chain.execute([[.limit(bob, orderType: 2, pair: 3, index: 0, collateral: 20_000_000, entry: p, price: p + p / 10,
                                         percentProfit: -1_000_000_000_000, payout: 0, buy: false)]])
        // Carol: two positions closed in one transaction; each close gets its own fees, in log order.
        try await chain.execute([[.marketOpen(carol, pair: 4, index: 0, collateral: 10_000_000, fee: 10_000, price: p),
                                  .marketOpen(carol, pair: 4, index: 1, collateral: 30_000_000, fee: 30_000, price: p)]])
        try await chain.execute([[.marketClose(carol, pair: 4, index: 0, position: 10_000_000, closing: 10_000_000, entry: p,
                                               price: p, percentProfit: 0, payout: 9_000_000, rollover: 1_000, closingFee: 11_000),
                                  .marketClose(carol, pair: 4, index: 1, position: 30_000_000, closing: 30_000_000, entry: p,
                                               price: p, percentProfit: 0, payout: 29_000_000, rollover: 3_000, closingFee: 33_000)]])
        // The proxy is upgraded back to the v1 implementation: same address, older events.
        try await chain.upgrade(to: "v1")
        try await chain.execute([[.marketOpen(dave, pair: 5, collateral: 70_000_000, fee: 700_000, price: p)]])
        var canceled = MockExecution.marketOpen(dave, pair: 6, collateral: 1, price: p)
        canceled.kind = .canceled
        try await chain.execute([[canceled]])
        // A future generation's event, and two broken ones.
        try await chain.emitRaw(topic0: "0xabababababababababababababababababababababababababababababababab",
                                data: [UInt8](repeating: 0, count: 640))
        var badBool = [UInt8](repeating: 0, count: 576)
        badBool[12 * 32 + 31] = 2  // MarketExecuted v1.5 `open` = 2
        try await chain.emitRaw(topic0: "0x5c00d8b4c6c92b4922d1bd61ef722ec9a29169acb95d956676b07be6a6643eea", data: badBool)
        try await chain.emitRaw(topic0: "0xdbe34a0ae1c9c65460a7efc44af9aadd9b07a8b3e112ee70a71eeeba287b2d62",
                                data: [UInt8](repeating: 0, count: 100))
    }

    static func fills(_ pool: PostgresPool) async throws -> [Fill] {
        try await pool.withConnection { connection in
            try connection.query("SELECT DISTINCT trader FROM fills ORDER BY trader").map { try $0.decode(0, as: EVMAddress.self) }
                .flatMap { try FillRepository().fills(of: $0, on: connection) }
        }
    }

    @Test func everyKindOfFillIsIndexedWithItsFeesAndPositions() async throws {
        let chain = try await ChainPeer()
        try await Self.tradeEverything(on: chain)
        let head = try await chain.head()
        let alerts = Mutex<[String]>([])
        let h = try await Self.harness(chain, alerts: .console({ text in alerts.withLock { $0.append(text) } }, logger: Logger(label: "test")))
        try await h.indexer.run(through: head)

        let fills = try await Self.fills(h.pool)
        // The admins hear once of the unknown topic0 and of each malformed kind.
        let raised = alerts.withLock { $0 }
        #expect(raised.filter { $0.hasPrefix("⚠️ Unknown Avantis event kept raw") }.count == 1)
        #expect(raised.filter { $0.hasPrefix("⚠️ Malformed Avantis event kept raw") }.count == 2)
        #expect(raised.allSatisfy { $0.contains("alfa abi inspect --verify") })
        let alice = fills.filter { $0.trader == EVMAddress(hex: Self.alice)! }
        #expect(alice.map(\.kind) == [.open, .partialClose, .close])
        #expect(alice[0].openingFee == 1_000_000 && alice[0].collateral == 99_000_000 && alice[0].eventGeneration == "v1.5")
        #expect(alice[1].collateral == 33_000_000 && alice[1].payout == 36_000_000 && alice[1].netPnL == 3_000_000)
        #expect(alice[1].rolloverFee == 100_000 && alice[1].closingFee == 300_000)
        #expect(alice[1].grossPnL == 3_300_000)  // 33 USDC × 10 %
        #expect(alice[2].closingFee == 500_000 && alice[2].netPnL == -4_000_000)

        let bob = fills.filter { $0.trader == EVMAddress(hex: Self.bob)! }
        #expect(bob.map(\.kind) == [.open, .takeProfit, .open, .stopLoss, .open, .liquidation])
        #expect(bob[0].orderType == .limit && bob[0].openingFee == 400_000 && bob[0].percentProfit == 0)
        #expect(bob[1].closingFee == 250_000 && bob[3].closingFee == 150_000)
        #expect(bob[5].payout == 0 && bob[5].netPnL == -20_000_000 && !bob[5].isLong)

        let carol = fills.filter { $0.trader == EVMAddress(hex: Self.carol)! }
        #expect(carol.map(\.openingFee) == [10_000, 30_000, 0, 0])
        #expect(carol.map(\.closingFee) == [0, 0, 11_000, 33_000])
        #expect(carol.map(\.rolloverFee) == [0, 0, 1_000, 3_000])

        let dave = fills.filter { $0.trader == EVMAddress(hex: Self.dave)! }
        #expect(dave.count == 1 && dave[0].eventGeneration == "v1" && dave[0].openingFee == 700_000)
        #expect(fills.count == 14)  // Alice 3, Bob 6, Carol 4, Dave 1

        try await h.pool.withConnection { connection in
            let raw = try IndexerRepository().rawLogSummary(on: connection)
            #expect(raw.first { $0.reason == "unknown_topic" }?.count == 1)
            #expect(raw.filter { $0.reason == "malformed" }.map(\.count).reduce(0, +) == 2)
            let positions: [String] = try connection.query(
                "SELECT right(encode(trader, 'hex'), 5) || ' ' || pair_index || ' ' || status || ' ' || collateral "
                    + "FROM trader_positions ORDER BY 1").map { try $0.decode(0) }
            #expect(positions.contains("a11ce 1 closed 0"))
            #expect(positions.contains("00da3 5 open 70000000"))
            #expect(positions.filter { $0.hasPrefix("00b0b") }.allSatisfy { $0.contains("closed") })
            let checkpoint = try IndexerRepository().checkpoint(on: connection)
            #expect(checkpoint?.lastBlock == head && checkpoint?.headBlock == head)
        }
    }

    @Test func aRestartResumesWithoutGapsOrDuplicates() async throws {
        let chain = try await ChainPeer()
        try await Self.tradeEverything(on: chain)
        let head = try await chain.head()
        let first = try await Self.harness(chain, page: 3)
        try await first.indexer.run(through: head / 2)
        // A new process: same database, new indexer, resumes from the checkpoint.
        let second = try await Self.harness(chain, page: 3, pool: first.pool)
        try await second.indexer.run(through: head)
        let fills = try await Self.fills(first.pool)
        #expect(fills.count == 14)
        #expect(Set(fills.map { "\($0.txHash)/\($0.logIndex)" }).count == 14)
    }

    @Test func aParallelBackfillCommitsInBlockOrderExactlyAsOneByOne() async throws {
        let chain = try await ChainPeer()
        try await Self.tradeEverything(on: chain)
        let head = try await chain.head()
        let parallel = try await Self.harness(chain, page: 2, confirmations: 3, concurrency: 8)
        let oneByOne = try await Self.harness(chain, page: 2, confirmations: 3, concurrency: 1)
        try await parallel.indexer.prepare()
        // One step takes every final block, pages of 2 blocks 8 at a time, committed in order.
        guard case .indexed(let from, let to, _) = try await parallel.indexer.step() else {
            Issue.record("the first step did not index")
            return
        }
        #expect(from == 1 && to == head - 3 && to > 16, "final blocks only, more than one window of pages")
        try await parallel.indexer.run(through: head)
        try await oneByOne.indexer.run(through: head)
        let (a, b) = (try await Self.fills(parallel.pool), try await Self.fills(oneByOne.pool))
        #expect(a.count == 14 && a == b)
        for pool in [parallel.pool, oneByOne.pool] {
            let checkpoint = try await pool.withConnection { try IndexerRepository().checkpoint(on: $0) }
            #expect(checkpoint?.lastBlock == head)
        }
        let raw = { (pool: PostgresPool) in try await pool.withConnection { try IndexerRepository().rawLogSummary(on: $0).map { "\($0.reason) \($0.count)" } } }
        #expect(try await raw(parallel.pool) == raw(oneByOne.pool))
    }

    @Test func aRangeLimitMidParallelBackfillSplitsAndLosesNothing() async throws {
        let chain = try await ChainPeer()
        try await Self.tradeEverything(on: chain)
        let head = try await chain.head()
        try await chain.faults(#"{"maxBlockRange":3,"rangeError":"32602"}"#)
        let h = try await Self.harness(chain, page: 8, confirmations: 3, concurrency: 4)
        try await h.indexer.run(through: head)
        let fills = try await Self.fills(h.pool)
        #expect(fills.count == 14 && Set(fills.map { "\($0.txHash)/\($0.logIndex)" }).count == 14)
    }

    @Test func providerRangeLimitsAreSplitAndAFailingEndpointFailsOver() async throws {
        let chain = try await ChainPeer(endpoints: 2)
        try await Self.tradeEverything(on: chain)
        let head = try await chain.head()
        try await chain.faults(#"{"maxBlockRange":1,"rangeError":"32602"}"#, endpoint: 0)
        let h = try await Self.harness(chain, page: 32)
        try await h.indexer.run(through: head / 2)
        #expect(try await chain.requestCount("eth_getLogs", endpoint: 0) > 0)
        #expect(try await chain.requestCount("eth_getLogs", endpoint: 1) == 0)

        // The first endpoint starts failing with 503: the rest comes from the second one in its own
        // page size (32), not the first one's (1, growing back by doubling after every 3 pages).
        try await chain.faults(#"{"httpStatus":503}"#, endpoint: 0)
        try await h.indexer.run(through: head)
        let second = try await chain.requestCount("eth_getLogs", endpoint: 1)
        #expect(second > 0 && second <= 4, "\(second) requests for \(head - head / 2) blocks")
        #expect(try await Self.fills(h.pool).count == 14)
    }

    @Test func aReorgRemovesOrphanedFillsAndReindexesTheNewBranch() async throws {
        let chain = try await ChainPeer()
        let p = Self.price
        try await chain.execute([[.marketOpen(Self.alice, collateral: 10_000_000, price: p)]])
        let snapshot = try await chain.snapshot()
        try await chain.execute([[.marketClose(Self.alice, position: 10_000_000, closing: 10_000_000, entry: p, price: p,
                                               percentProfit: 0, payout: 9_000_000)]])
        try await chain.execute([[.marketOpen(Self.bob, collateral: 5_000_000, price: p)]])
        let h = try await Self.harness(chain, page: 100, confirmations: 10)
        try await h.indexer.run(through: try await chain.head())
        #expect(try await Self.fills(h.pool).count == 3)

        // The last two blocks are replaced by three different ones.
        try await chain.revert(snapshot)
        try await chain.execute([[.marketOpen(Self.carol, collateral: 7_000_000, price: p)]])
        try await chain.execute([[.marketClose(Self.alice, position: 10_000_000, closing: 4_000_000, entry: p, price: p,
                                               percentProfit: 0, payout: 4_000_000)]])
        try await chain.execute([[.marketOpen(Self.dave, collateral: 3_000_000, price: p)]])
        try await h.indexer.run(through: try await chain.head())

        let fills = try await Self.fills(h.pool)
        #expect(Set(fills.map(\.trader)) == Set([Self.alice, Self.carol, Self.dave].map { EVMAddress(hex: $0)! }))
        #expect(fills.count == 4)
        #expect(fills.contains { $0.kind == .partialClose && $0.collateral == 4_000_000 })
        try await h.pool.withConnection { connection in
            let alice = try connection.query(
                "SELECT status, collateral FROM trader_positions WHERE trader = $1", [EVMAddress(hex: Self.alice)!])
            #expect(try alice.first?.decode(0, as: String.self) == "open")
            #expect(try alice.first?.decode(1, as: Int64.self) == 6_000_000)
        }
    }

    @Test func aLaggingEndpointIsNotTakenForAReorg() async throws {
        let chain = try await ChainPeer()
        try await chain.execute([[.marketOpen(Self.alice, collateral: 10_000_000, price: Self.price)]])
        try await chain.execute([[.marketOpen(Self.bob, collateral: 10_000_000, price: Self.price)]])
        let h = try await Self.harness(chain, confirmations: 10)
        let head = try await chain.head()
        try await h.indexer.run(through: head)
        try await chain.faults(#"{"headLag":2}"#)
        #expect(try await h.indexer.step() == .caughtUp(head: head - 2))
        #expect(try await Self.fills(h.pool).count == 2)
    }

    @Test func anEndpointOnAnotherChainIsRefused() async throws {
        let chain = try await ChainPeer(endpoints: 2)
        try await chain.faults(#"{"chainId":1}"#, endpoint: 1)
        let h = try await Self.harness(chain)
        await #expect(throws: RPCError.wrongChain(host: String(chain.urls[1].dropFirst(7).dropLast()), expected: 8453, actual: 1)) {
            try await h.indexer.prepare()
        }
    }
}
