import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

/// The local market of `commands/run`, end to end: `alfa simulate` writes two days of history on
/// the local EVM, `alfa index` indexes it, `alfa leaderboard --refresh` ranks it. The ranking
/// must find the skill the simulator gave its traders.
@Suite("Simulated market: indexed and ranked (local EVM)", .postgres)
struct SimulatedMarketTests {
    static let traders = 120

    @Test func theSharpRankAboveTheRecklessAndTheRecklessGetLiquidated() async throws {
        let chain = try await ChainPeer(pastHours: 48)
        let database = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": database]).status == 0)
        let env = IndexCommandTests.environment(chain, database: database,
                                                ["SIM_TRADERS": "\(Self.traders)", "SIM_SEED": "42", "SIM_HISTORY_HOURS": "48"])
        let simulated = try await AlfaBinary.run(["simulate", "--history-only"], env)
        #expect(simulated.status == 0, "\(simulated.errorOutput)")
        let head = try await chain.head()
        let indexed = try await AlfaBinary.run(["index", "--to-block", "\(head)"], env)
        #expect(indexed.status == 0, "\(indexed.errorOutput)")
        let ranked = try await AlfaBinary.run(["leaderboard", "--refresh", "--json", "--top", "1000"], env)
        #expect(ranked.status == 0, "\(ranked.errorOutput)")

        struct Row: Decodable { let rank: Int; let trader: String }
        struct Board: Decodable { let rows: [Row] }
        let rows = try JSONDecoder().decode(Board.self, from: Data(ranked.output.utf8)).rows
        let style = Dictionary(uniqueKeysWithValues: MarketSimulator(seed: 42, traderCount: Self.traders).traders.map {
            ($0.address, $0.style)
        })
        let ranks = { (wanted: SimulatedTrader.Style) in rows.filter { style[$0.trader] == wanted }.map(\.rank) }
        let sharp = ranks(.sharp), noisy = ranks(.noisy), reckless = ranks(.reckless)
        #expect(rows.count > Self.traders / 2, "most simulated traders are eligible: \(rows.count)")
        #expect(!sharp.isEmpty && !noisy.isEmpty)
        let mean = { (ranks: [Int]) in Double(ranks.reduce(0, +)) / Double(max(ranks.count, 1)) }
        #expect(mean(sharp) < mean(noisy), "sharp \(sharp), noisy mean \(mean(noisy))")
        // The reckless are ranked low, if at all: none above the median sharp trader, none in the top 10.
        let medianSharp = sharp.sorted()[sharp.count / 2]
        #expect(reckless.allSatisfy { $0 > medianSharp && $0 > 10 }, "reckless ranks \(reckless), sharp \(sharp)")

        // The reckless ones' liquidations are in the fills, and only traders with leverage to spare get them.
        let pool = PostgresPool(configuration: .init(url: database, size: 1))
        let liquidated: [String] = try await pool.withConnection { connection in
            try connection.query("SELECT DISTINCT '0x' || encode(trader, 'hex') FROM fills WHERE kind = 'liquidation'")
                .map { try $0.decode(0, as: String.self) }
        }
        // The exchange upgraded in place part-way: both generations indexed, none kept raw as
        // unknown, v2 closes settle funding both ways, and positions cross the upgrade.
        let upgrade: [Int64] = try await pool.withConnection { connection in
            let row = try connection.query("""
                SELECT (SELECT count(*) FROM fills WHERE event_generation = 'v1.5'),
                       (SELECT count(*) FROM fills WHERE event_generation = 'v2'),
                       (SELECT count(*) FROM fills WHERE event_generation = 'v2' AND funding_usdc > 0),
                       (SELECT count(*) FROM fills WHERE event_generation = 'v2' AND funding_usdc < 0),
                       (SELECT count(*) FROM fills WHERE event_generation <> 'v2' AND funding_usdc <> 0),
                       (SELECT count(*) FROM raw_logs),
                       (SELECT count(*) FROM fills c JOIN fills o ON o.trader = c.trader AND o.pair_index = c.pair_index
                          AND o.trade_index = c.trade_index AND o.open_time = c.open_time
                        WHERE o.kind = 'open' AND o.event_generation = 'v1.5' AND c.event_generation = 'v2' AND c.kind <> 'open')
                """)[0]
            return try (0..<7).map { try row.decode($0, as: Int64.self) }
        }
        #expect(upgrade[0] > 0 && upgrade[1] > 0, "v1.5 fills \(upgrade[0]), v2 fills \(upgrade[1])")
        #expect(upgrade[2] > 0 && upgrade[3] > 0, "funding paid \(upgrade[2]), received \(upgrade[3])")
        #expect(upgrade[4] == 0 && upgrade[5] == 0, "funding before v2 \(upgrade[4]), raw logs \(upgrade[5])")
        #expect(upgrade[6] > 0, "positions opened in v1.5 and closed in v2: \(upgrade[6])")
        let v2Kinds: [String] = try await pool.withConnection { connection in
            try connection.query("SELECT DISTINCT kind FROM fills WHERE event_generation = 'v2' ORDER BY kind").map { try $0.decode(0) }
        }
        #expect(v2Kinds == ["close", "liquidation", "open", "partial_close", "stop_loss", "take_profit"], "every fill kind in v2: \(v2Kinds)")
        await pool.close()
        let recklessTraders = style.filter { $0.value == .reckless }.map(\.key)
        #expect(Set(liquidated).intersection(recklessTraders).count > recklessTraders.count / 2,
                "\(liquidated.count) traders liquidated")
        #expect(!liquidated.contains { style[$0] == .sharp })
        // Every kind of execution made it through the indexer.
        let kinds = try await AlfaBinary.run(["export", "fills", "--format", "csv"], env).output
        for kind in ["open", "close", "partial_close", "take_profit", "stop_loss", "liquidation"] {
            #expect(kinds.contains(",\(kind),"), "no \(kind) fill")
        }

        // Date filters split the export without losing or repeating a row; the leaderboard exports as stored.
        let all = kinds.split(separator: "\n").count - 1
        let middle = CivilDate.isoTime(unixSeconds: Int64(Date().timeIntervalSince1970) - 24 * 3_600)
        let before = try await AlfaBinary.run(["export", "fills", "--until", middle], env)
        let after = try await AlfaBinary.run(["export", "fills", "--since", middle], env)
        #expect(before.status == 0 && after.status == 0, "\(before.errorOutput)\(after.errorOutput)")
        let (early, late) = (before.output.split(separator: "\n").count - 1, after.output.split(separator: "\n").count - 1)
        #expect(early > 0 && late > 0 && early + late == all, "\(early) + \(late) of \(all)")
        let bad = try await AlfaBinary.run(["export", "fills", "--since", "yesterday"], env)
        #expect(bad.status != 0 && bad.errorOutput.contains("yesterday"))
        let csv = try await AlfaBinary.run(["export", "leaderboard", "--format", "csv"], env)
        let csvLines = csv.output.split(separator: "\n")
        #expect(csv.status == 0 && csvLines.count == rows.count + 1, "\(csv.errorOutput)")
        #expect(csvLines.first?.hasPrefix("rank,trader,score,clean_pnl_usdc,gross_pnl_usdc,fees_usdc,trades,wins,win_rate") == true)
        #expect(csvLines.dropFirst().first?.hasPrefix("1,\(rows[0].trader),") == true)
        // Ranked as of a day ago, from the fills up to then: fewer trades, a board all the same.
        let past = try await AlfaBinary.run(["export", "leaderboard", "--format", "json", "--as-of", middle], env)
        let earlier = try JSONDecoder().decode(Board.self, from: Data(past.output.utf8)).rows
        #expect(past.status == 0 && !earlier.isEmpty && earlier.count <= rows.count)
    }
}
