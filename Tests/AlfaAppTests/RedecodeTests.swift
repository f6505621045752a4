import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import Testing

/// A deployment that ran through the v2 upgrade with a catalogue that did not know v2, made
/// whole by `alfa abi redecode` from what it stored, with no RPC traffic.
@Suite("alfa abi redecode (local EVM)", .postgres)
struct RedecodeTests {
    /// Every column of every fill but its id, in chain order.
    static func fills(_ url: String) async throws -> [String] {
        try await rows(url, "SELECT block_number, log_index, encode(tx_hash, 'hex'), encode(trader, 'hex'), pair_index, trade_index, "
            + "open_time, kind, order_type, is_long, price, leverage, collateral, position_collateral, percent_profit, payout, "
            + "opening_fee, closing_fee, rollover_fee, funding_usdc, net_pnl, order_id, event_generation FROM fills ORDER BY block_number, log_index")
    }

    static func rows(_ url: String, _ sql: String) async throws -> [String] {
        let pool = PostgresPool(configuration: .init(url: url, size: 1))
        return try await closing(pool) { pool in
            try await pool.withConnection { connection in
                let result = try connection.query("SELECT row_to_json(r)::text FROM (\(sql)) r")
                return try result.map { try $0.decode(0, as: String.self) }
            }
        }
    }

    @Test func indexingTheUpgradeWithV2UnknownThenRedecodingEqualsAFreshIndex() async throws {
        let chain = try await ChainPeer(pastHours: 12)
        let stale = try await AlfaBinary.freshDatabase(), fresh = try await AlfaBinary.freshDatabase()
        for url in [stale, fresh] { #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0) }
        let env = IndexCommandTests.environment(chain, database: stale,
                                                ["SIM_TRADERS": "40", "SIM_SEED": "7", "SIM_HISTORY_HOURS": "12",
                                                 "LEADER_MIN_TRADES_30D": "1", "LEADER_MIN_VOLUME_30D_USD": "1"])
        let simulated = try await AlfaBinary.run(["simulate", "--history-only"], env)
        #expect(simulated.status == 0, "\(simulated.errorOutput)")
        let head = try await chain.head()

        // The stale deployment: a catalogue of v1 and v1.5 only, as alfa's was before v2.
        let settings = try Settings(lookup: { env[$0] })
        let beforeV2 = AvantisEventCatalogue(AvantisEventCatalogue.builtIn.definitions.filter { $0.generation != "v2" })
        let pool = PostgresPool(configuration: .init(url: stale, size: 2))
        let logger = Logger(label: "test.redecode")
        let indexer = Indexer(rpc: try IndexerSetup.rpc(settings.chain, connections: settings.indexer.concurrency, logger: logger),
                              pool: pool, addresses: chain.addresses,
                              catalogue: beforeV2, options: settings.indexer, logger: logger)
        try await indexer.run(through: head)
        let refresher = LeaderboardRefresher(pool: pool, gates: EligibilityGates(settings.leaderboard))
        _ = try await refresher.refresh()
        let raw = try await Self.rows(stale, "SELECT reason, count(*) FROM raw_logs GROUP BY reason ORDER BY reason")
        #expect(raw.count == 2 && raw[0].contains("companion") && raw[1].contains("unknown_topic"), "\(raw)")
        let uncertain = try await Self.rows(stale, "SELECT count(*) AS n FROM uncertain_positions")
        #expect(uncertain != [#"{"n":0}"#], "positions touched by unknown v2 closes are flagged")

        // Their trader's card says so, and the score is halved.
        let flagged = try #require(try await Self.rows(stale, "SELECT '0x' || encode(trader, 'hex') AS t FROM uncertain_positions LIMIT 1").first)
        let address = String(flagged.dropFirst(6).dropLast(2))
        let card = try await AlfaBinary.run(["trader", address, "--json"], env)
        #expect(card.status == 0, "\(card.errorOutput)")
        #expect(card.output.contains(#""record_uncertain" : true"#), "\(card.output)")
        #expect(card.output.contains("positions changed by events alfa cannot decode yet"))
        #expect(try await AlfaBinary.run(["trader", address], env).output.contains("uncertain record: positions changed by events alfa cannot decode yet"))

        // The fresh one indexes the same chain knowing v2.
        let indexed = try await AlfaBinary.run(["index", "--to-block", "\(head)"], IndexCommandTests.environment(chain, database: fresh))
        #expect(indexed.status == 0, "\(indexed.errorOutput)")
        let expected = try await Self.fills(fresh)
        #expect(expected.contains { $0.contains(#""event_generation":"v2""#) })
        #expect(try await Self.fills(stale) != expected)

        // First contact: the solver names the unknown topic0s from the chain's own logs and
        // writes the ABI files an operator drops in AVANTIS_ABI_DIR.
        let rpc = try IndexerSetup.rpc(settings.chain, connections: settings.indexer.concurrency, logger: logger)
        let verification = try await AbiInspector.verify(rpc: rpc, addresses: chain.addresses, catalogue: beforeV2, blocks: head + 1)
        #expect(!verification.passed, "trades stay undecoded")
        let v2 = AvantisEventCatalogue.builtIn.definitions.filter { $0.generation == "v2" && $0.role != .marketOpenCanceled }
        for definition in v2 {
            let solution = try #require(verification.solutions.first { $0.topic0 == definition.topic0 }, "\(definition.signature)")
            #expect(solution.answer?.signature == definition.signature && solution.carriesTrades)
            #expect(solution.answer?.origin.contains("appended") == true, "\(solution.answer?.origin ?? "")")
        }
        #expect(verification.report.contains("ready AVANTIS_ABI_DIR file TradingCallbacks.json"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-solved-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (file, json) in verification.abiFiles { try json.write(toFile: folder + "/" + file, atomically: true, encoding: .utf8) }
        let solved = try AvantisEventCatalogue.loading(directory: folder, over: beforeV2)
        let again = try await AbiInspector.verify(rpc: rpc, addresses: chain.addresses, catalogue: solved, blocks: head + 1)
        #expect(again.passed && again.unknownTopics.isEmpty, "\(again.report)")

        // Redecoding with those files: no RPC traffic, the node sees no request meanwhile.
        let requestsBefore = try await chain.rpc("alfa_requests")
        let report = try await Redecoder.run(pool: pool, catalogue: solved, addresses: chain.addresses, logger: logger)
        #expect(try await chain.rpc("alfa_requests") == requestsBefore)
        #expect(report.fills > 0 && report.stillRaw == 0 && report.withoutBlockTime == 0, "\(report)")
        #expect(try await Self.fills(stale) == expected)
        let positions = "SELECT encode(trader, 'hex'), pair_index, trade_index, open_time, collateral, status, opening_fee FROM trader_positions ORDER BY 1, 2, 3, 4"
        #expect(try await Self.rows(stale, positions) == Self.rows(fresh, positions))
        #expect(try await Self.rows(stale, "SELECT count(*) AS n FROM raw_logs") == [#"{"n":0}"#])
        #expect(try await Self.rows(stale, "SELECT count(*) AS n FROM uncertain_positions") == [#"{"n":0}"#])
        #expect(try await AlfaBinary.run(["trader", address, "--json"], env).output.contains(#""record_uncertain" : false"#))

        // Twice changes nothing.
        let twice = try await Redecoder.run(pool: pool, catalogue: solved, addresses: chain.addresses, logger: logger)
        #expect(twice.fills == 0 && twice.transactions == 0)
        #expect(try await Self.fills(stale) == expected)

        // The leaderboard, refreshed incrementally, equals a fresh deployment's (fills stored out of
        // chain order make it recompute: LeaderboardRefresherTests).
        let asOf = Int64(Date().timeIntervalSince1970)
        let refreshed = try await refresher.refresh(asOf: asOf)
        let freshPool = PostgresPool(configuration: .init(url: fresh, size: 1))
        let freshBoard = try await LeaderboardRefresher(pool: freshPool, gates: EligibilityGates(settings.leaderboard)).refresh(asOf: asOf)
        await freshPool.close()
        #expect(freshBoard.eligible > 0)
        let board = "SELECT time_window, rank, encode(trader, 'hex'), score, clean_pnl FROM leaderboard_entries WHERE snapshot_id = (SELECT max(id) FROM leaderboard_snapshots) ORDER BY 1, 2"
        #expect(freshBoard.eligible == refreshed.eligible)
        #expect(try await Self.rows(stale, board) == Self.rows(fresh, board))
        await pool.close()
    }
}

/// Increases arrive through an operator's ABI file: `PositionSizeIncreased`'s layout is not
/// public, so this one is made up; alfa reads it by its field names.
@Suite("Position increases through a made-up ABI (local EVM)", .postgres)
struct IncreaseTests {
    static let trader = "0xb0b0000000000000000000000000000000000b0b"
    static let madeUp = """
        [{"type": "event", "name": "PositionSizeIncreased", "inputs": [
          {"name": "orderId", "type": "uint256"},
          {"name": "t", "type": "tuple", "components": [{"name": "trader", "type": "address"}, {"name": "pairIndex", "type": "uint256"},
            {"name": "index", "type": "uint256"}, {"name": "initialPosToken", "type": "uint256"}, {"name": "positionSizeUSDC", "type": "uint256"},
            {"name": "openPrice", "type": "uint256"}, {"name": "buy", "type": "bool"}, {"name": "leverage", "type": "uint256"},
            {"name": "tp", "type": "uint256"}, {"name": "sl", "type": "uint256"}, {"name": "timestamp", "type": "uint256"}]},
          {"name": "collateralDelta", "type": "uint256"},
          {"name": "executionPrice", "type": "uint256"}]}]
        """

    @Test func anIncreaseIsANewLotOfTheSameLifecycleAndItsCloseMatches() async throws {
        let chain = try await ChainPeer()
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let price: Int64 = 650_000_000_000_000
        try await chain.execute([[.marketOpen(Self.trader, pair: 2, index: 1, collateral: 100_000_000, fee: 1_000_000, price: price)]])
        // +50 USDC: the blended trade holds 150.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-increase-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.madeUp.write(toFile: folder + "/TradingCallbacks.json", atomically: true, encoding: .utf8)
        let catalogue = try AvantisEventCatalogue.loading(directory: folder)
        let definition = try #require(catalogue.definitions.first { $0.name == "PositionSizeIncreased" })
        #expect(definition.role == .positionIncreased)
        let word = { (value: UInt64) in [UInt8](repeating: 0, count: 24) + withUnsafeBytes(of: value.bigEndian, Array.init) }
        let data = word(11)                                                          // orderId
            + [UInt8](repeating: 0, count: 12) + EVMAddress(hex: Self.trader)!.bytes  // t, blended: trader…
            + [2, 1, 150_000_000, 0, UInt64(price), 1, 100_000_000_000, 0, 0, 1_800_000_000].flatMap(word)
            + [50_000_000, UInt64(price)].flatMap(word)                               // collateralDelta, executionPrice
        try await chain.emitRaw(topic0: definition.topic0.description, data: data)
        // The whole 150 closes 10 % up: 15 USDC gross at 10×… of 1 % move: 150 × 10 × 1 % = 15.
        let exit = price + price / 100
        try await chain.execute([[.marketClose(Self.trader, pair: 2, index: 1, position: 150_000_000, closing: 150_000_000,
                                                entry: price, price: exit, percentProfit: 10_0000000000, payout: 165_000_000)]])
        let head = try await chain.head()

        // Without the file: the increase is an unknown log, the position is flagged uncertain.
        let env = IndexCommandTests.environment(chain, database: url)
        #expect(try await AlfaBinary.run(["index", "--to-block", "\(head)"], env).status == 0)
        let before = try await RedecodeTests.rows(url, "SELECT count(*) AS n FROM uncertain_positions")
        #expect(before == [#"{"n":1}"#])
        let stale = try await AlfaBinary.run(["trader", Self.trader, "--as-of", "2099-01-01", "--json"], env).output
        #expect(stale.contains(#""record_uncertain" : true"#))
        #expect(stale.contains(#""payout_mismatch" : true"#), "the close of 150 against a book of 100")

        // With it, alfa abi redecode makes it a fill of kind increase, and the close matches the book.
        let withFile = env.merging(["AVANTIS_ABI_DIR": folder]) { _, new in new }
        let redecoded = try await AlfaBinary.run(["abi", "redecode"], withFile)
        #expect(redecoded.status == 0 && redecoded.output.contains("→ 1 fill(s)"), "\(redecoded.output)\(redecoded.errorOutput)")
        let kinds = try await RedecodeTests.rows(url, "SELECT kind, collateral FROM fills ORDER BY block_number, log_index")
        #expect(kinds == [#"{"kind":"open","collateral":100000000}"#, #"{"kind":"increase","collateral":50000000}"#,
                          #"{"kind":"close","collateral":150000000}"#])
        let card = try await AlfaBinary.run(["trader", Self.trader, "--as-of", "2099-01-01", "--json"], withFile).output
        #expect(card.contains(#""record_uncertain" : false"#) && card.contains(#""payout_mismatch" : false"#), "\(card)")
        #expect(card.contains(#""net_pnl_usdc" : "14""#), "165 − 150 − the 1 USDC opening fee: \(card)")
        let position = try await RedecodeTests.rows(url, "SELECT collateral, status FROM trader_positions")
        #expect(position == [#"{"collateral":0,"status":"closed"}"#])
    }
}
