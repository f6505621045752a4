import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

/// `alfa index`, `alfa abi inspect --verify` and `alfa export fills` run as an operator
/// would, against the local EVM and a fresh database.
@Suite("alfa index, abi and export (local EVM)", .postgres)
struct IndexCommandTests {
    static func environment(_ chain: ChainPeer, database: String, _ extra: [String: String] = [:]) -> [String: String] {
        var values = [
            "DATABASE_URL": database, "RPC_URLS": chain.urls.joined(separator: ","), "CHAIN_ID": "8453",
            "AVANTIS_TRADING_CALLBACKS": chain.contracts["tradingCallbacks"]!,
            "AVANTIS_TRADING_STORAGE": chain.contracts["tradingStorage"]!,
            "AVANTIS_PAIR_INFOS": chain.contracts["pairInfos"]!,
            "INDEXER_START_BLOCK": "1", "INDEXER_CONFIRMATIONS": "3", "INDEXER_SLEEP_HTTP": "0.1", "LOG_FORMAT": "json",
        ]
        values.merge(extra) { _, new in new }
        return values
    }

    @Test func killNineMidBackfillThenRestartGivesTheSameRowsWithoutGapsOrDuplicates() async throws {
        let chain = try await ChainPeer()
        try await IndexerTests.tradeEverything(on: chain)
        let head = try await chain.head()
        let database = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        // Slow replies, one-block pages, two in flight: the parallel backfill takes long enough to
        // be killed in the middle, with pages fetched and not yet committed.
        try await chain.faults(#"{"delaySeconds":0.2}"#)
        let env = Self.environment(chain, database: database, ["INDEXER_PAGE": "1", "INDEXER_CONCURRENCY": "2"])
        let first = try AlfaBinary.start(["index"], env)
        let pool = PostgresPool(configuration: .init(url: database, size: 1))
        var checkpoint: Int64 = 0
        let deadline = Date().addingTimeInterval(60)
        while checkpoint < head / 2, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
            checkpoint = try await pool.withConnection { try IndexerRepository().checkpoint(on: $0)?.lastBlock ?? 0 }
        }
        first.signal(SIGKILL)
        _ = try await BlockingWorker(name: "alfa-index").run { first.wait() }
        let atKill = try await pool.withConnection { try IndexerRepository().checkpoint(on: $0)?.lastBlock ?? 0 }
        #expect(atKill > 0 && atKill < head)

        try await chain.faults(#"{"delaySeconds":0}"#)
        let second = try await AlfaBinary.run(["index", "--to-block", "\(head)"], env)
        #expect(second.status == 0, "\(second.errorOutput)")
        let (fills, distinct, positions): (Int64, Int64, Int64) = try await pool.withConnection { connection in
            let row = try connection.query(
                "SELECT count(*), count(DISTINCT (tx_hash, log_index)), (SELECT count(*) FROM trader_positions) FROM fills")[0]
            return (try row.decode(0), try row.decode(1), try row.decode(2))
        }
        #expect(fills == 14 && distinct == 14)
        #expect(positions == 7)  // every open became one position lifecycle
        #expect(try await pool.withConnection { try IndexerRepository().checkpoint(on: $0)?.lastBlock } == head)
        await pool.close()

        // The indexer's state is part of alfa check.
        let check = try await AlfaBinary.run(["check"], env)
        #expect(check.output.contains("ok   indexer: indexed through block \(head)"))
        #expect(check.output.contains("1 log(s) with unknown topic0 kept raw"))
        #expect(check.output.contains("ok   chain: 1 endpoint(s) in RPC_URLS, chain id 8453, head block \(head)"), "\(check.output)")
        let wrongChain = try await AlfaBinary.run(["check"], env.merging(["CHAIN_ID": "1"]) { $1 })
        #expect(wrongChain.status != 0 && wrongChain.output.contains("serves chain id 8453, but CHAIN_ID is 1"), "\(wrongChain.output)")
    }

    @Test func exportWritesEveryFillInHumanUnits() async throws {
        let chain = try await ChainPeer()
        try await IndexerTests.tradeEverything(on: chain)
        let head = try await chain.head()
        let database = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = Self.environment(chain, database: database)
        #expect(try await AlfaBinary.run(["index", "--to-block", "\(head)"], env).status == 0)

        let csv = try await AlfaBinary.run(["export", "fills", "--format", "csv", "--trader", IndexerTests.alice], env)
        let lines = csv.output.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("block_number,block_time,tx_hash,log_index,trader,pair_index,pair,trade_index,kind"))
        // The partial close: 33 USDC closed at 10x, 10 % gross, 0.4 USDC fees (no funding: v1.5), +3 USDC net.
        let partial = lines[2].split(separator: ",").map(String.init)
        #expect(partial[4] == IndexerTests.alice && partial[8] == "partial_close" && partial[10] == "true")
        #expect(partial[6] == PairCatalogue.builtIn.name(of: Int32(partial[5])!) && !partial[6].hasPrefix("pair "))
        #expect(partial[11] == "65650" && partial[12] == "33" && partial[13] == "10" && partial[14] == "330", "\(partial)")
        #expect(partial[15] == "3.3" && partial[16] == "0.4" && partial[17] == "0" && partial[18] == "3")

        let json = try await AlfaBinary.run(["export", "fills", "--format", "json"], env)
        let rows = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(rows?.count == 14)
        #expect(Set(rows?.compactMap { $0["kind"] as? String } ?? []) == ["open", "partial_close", "close", "take_profit", "stop_loss", "liquidation"])

        let bad = try await AlfaBinary.run(["export", "fills", "--trader", "0x12"], env)
        #expect(bad.status != 0 && bad.errorOutput.contains("--trader \"0x12\" is not an address"))
    }

    @Test func abiInspectVerifiesLiveLogsAndReportsUnknownTopics() async throws {
        let chain = try await ChainPeer()
        try await IndexerTests.tradeEverything(on: chain)
        let listing = try await AlfaBinary.run(["abi", "inspect"])
        #expect(listing.status == 0)
        #expect(listing.output.contains("topic0    0x5c00d8b4c6c92b4922d1bd61ef722ec9a29169acb95d956676b07be6a6643eea matches the published value"))
        #expect(listing.output.contains("word  2  t.pairIndex: uint256 → pair_index"))
        #expect(!listing.output.contains("DIFFERS"))

        let verify = try await AlfaBinary.run(["abi", "inspect", "--verify", "--blocks", "100"],
                                              Self.environment(chain, database: "postgresql://unused@127.0.0.1:1/x"))
        #expect(verify.status == 1)  // unknown topic0s and decode failures were seen
        #expect(verify.output.contains("MarketExecuted v1.5: 9"))
        #expect(verify.output.contains("MarketExecuted v1: 1"))
        #expect(verify.output.contains("0xabababababababababababababababababababababababababababababababab: 1 log(s)"))
        #expect(verify.output.contains("word 12 is not a bool"))
    }
}
