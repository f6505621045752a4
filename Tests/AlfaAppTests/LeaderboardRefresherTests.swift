@testable import AlfaApp
import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

@Suite("Leaderboard refresher (real server)", .postgres)
struct LeaderboardRefresherTests {
    static let gates = EligibilityGates(minTrades30d: 5, minVolume30d: 10_000_000_000, activeHours: 72)

    private func migratedPool() async throws -> (url: String, pool: PostgresPool) {
        let url = try await AlfaBinary.freshDatabase()
        return (url, try await AlfaBinary.migratedPool(url: url))
    }

    private func insert(_ fills: [Fill], _ pool: PostgresPool) async throws {
        try await pool.transaction { try FillRepository().insert(fills, on: $0) }
    }

    /// What a from-scratch engine says about the same fills.
    private func expected(_ fills: [Fill], asOf: Int64) -> LeaderboardSnapshot {
        var engine = LeaderboardEngine()
        engine.apply(fills)
        return engine.snapshot(asOf: asOf, gates: Self.gates)
    }

    @Test func fillsStoredOutOfChainOrderMakeItRecomputeInChainOrder() async throws {
        let (_, pool) = try await migratedPool()
        var generator = FillGenerator(seed: 5, traderCount: 30, secondsPerFill: 60, openPositionsTarget: 40)
        let all = generator.generate(count: 3_000)
        let asOf = generator.time
        // Every fifth fill is stored late, as alfa abi redecode stores the fills of old blocks.
        let late = all.enumerated().filter { $0.offset % 5 == 2 }.map(\.element)
        let early = all.enumerated().filter { $0.offset % 5 != 2 }.map(\.element)
        try await insert(early, pool)
        let refresher = LeaderboardRefresher(pool: pool, gates: Self.gates)
        #expect(try await !refresher.refresh(asOf: asOf).rebuilt)
        try await insert(late, pool)
        let after = try await refresher.refresh(asOf: asOf)
        #expect(after.rebuilt)
        let truth = expected(all, asOf: asOf)
        let stored = try #require(try await LeaderboardQueries.top(1_000, window: .all, pool: pool))
        #expect(truth.eligible > 0 && stored.info.eligible == truth.eligible)
        #expect(stored.rows.map(\.metrics.cleanPnL) == truth.rows[.all]!.map(\.metrics.cleanPnL))
        // Then it follows new fills incrementally again.
        #expect(try await !refresher.refresh(asOf: asOf).rebuilt)
        let past = try await LeaderboardRefresher.rank(asOf: asOf, pool: pool, gates: Self.gates)
        #expect(past.rows[.all]!.map(\.metrics.cleanPnL) == truth.rows[.all]!.map(\.metrics.cleanPnL))
        await pool.close()
    }

    // Found by commands/soak: the chain's clock ahead of the server's stored a snapshot "as of"
    // a moment before fills it held, and a recompute as of that moment differed.
    @Test func aSnapshotIsNeverAsOfAMomentBeforeItsNewestFill() async throws {
        let (_, pool) = try await migratedPool()
        var generator = FillGenerator(seed: 9, traderCount: 20, secondsPerFill: 60, openPositionsTarget: 30)
        let fills = generator.generate(count: 2_000)
        let newest = fills.map(\.blockTime).max()!
        try await insert(fills, pool)
        let refresher = LeaderboardRefresher(pool: pool, gates: Self.gates)
        _ = try await refresher.refresh(asOf: newest - 90)
        let stored = try #require(try await LeaderboardQueries.top(1_000, window: .thirtyDays, pool: pool))
        #expect(stored.info.asOf == newest)
        let again = try await LeaderboardRefresher.rank(asOf: stored.info.asOf, pool: pool, gates: Self.gates)
        #expect(stored.rows.map(\.trader) == again.rows[.thirtyDays]!.map(\.trader))
        // validUntil is not stored: the rest of every figure must agree.
        func figures(_ rows: [LeaderboardRow]) -> [String] {
            rows.map { "\($0.metrics.cleanPnL) \($0.metrics.trades) \($0.metrics.closes) \($0.metrics.lastTradeTime ?? 0) \($0.metrics.sharpe)" }
        }
        #expect(figures(stored.rows) == figures(again.rows[.thirtyDays]!))
        #expect(stored.rows.map(\.score) == again.rows[.thirtyDays]!.map(\.score))
        // A clock ahead of the chain ranks as of its own time.
        _ = try await refresher.refresh(asOf: newest + 600)
        #expect(try #require(try await LeaderboardQueries.top(1, window: .thirtyDays, pool: pool)).info.asOf == newest + 600)
        await pool.close()
    }

    @Test func refreshesFollowNewFillsAndRebuildWhenFillsVanish() async throws {
        let (_, pool) = try await migratedPool()
        var generator = FillGenerator(seed: 3, traderCount: 40, secondsPerFill: 60, openPositionsTarget: 60)
        let first = generator.generate(count: 4_000)
        let second = generator.generate(count: 1_000)
        let asOf = generator.time
        try await insert(first, pool)
        let refresher = LeaderboardRefresher(pool: pool, gates: Self.gates)

        let initial = try await refresher.refresh(asOf: asOf)
        #expect(initial.newFills == 4_000 && !initial.rebuilt)
        try await insert(second, pool)
        let next = try await refresher.refresh(asOf: asOf)
        #expect(next.newFills == 1_000 && !next.rebuilt)
        let stored = try #require(try await LeaderboardQueries.top(1_000, window: .thirtyDays, pool: pool))
        let truth = expected(first + second, asOf: asOf)
        #expect(stored.info.eligible == truth.eligible)
        #expect(stored.rows.map(\.trader) == truth.rows[.thirtyDays]!.map(\.trader))
        #expect(stored.rows.map(\.metrics.cleanPnL) == truth.rows[.thirtyDays]!.map(\.metrics.cleanPnL))
        // Open positions valued at each pair's latest fill, stored with the row.
        #expect(stored.rows.map(\.unrealized) == truth.rows[.thirtyDays]!.map(\.unrealized))
        #expect(stored.rows.map(\.openRisk) == truth.rows[.thirtyDays]!.map(\.openRisk))
        #expect(stored.rows.contains { $0.unrealized != 0 } && stored.rows.allSatisfy { $0.openRisk >= 0 })
        #expect(truth.eligible > 0)

        // A reorg rolls back the newest fills: the refresher notices and starts over.
        let cut = second.suffix(300)
        try await pool.withConnection { connection in
            for fill in cut { try connection.query("DELETE FROM fills WHERE tx_hash = $1", [fill.txHash]) }
        }
        let afterReorg = try await refresher.refresh(asOf: asOf)
        #expect(afterReorg.rebuilt)
        let rolledBack = try #require(try await LeaderboardQueries.top(1_000, window: .all, pool: pool))
        let truthAfter = expected(first + second.dropLast(300), asOf: asOf)
        #expect(rolledBack.rows.map(\.metrics.cleanPnL) == truthAfter.rows[.all]!.map(\.metrics.cleanPnL))
        await pool.close()
    }

    @Test func theCommandLineReadsTheStoredBoardAndOneTrader() async throws {
        let (url, pool) = try await migratedPool()
        var generator = FillGenerator(seed: 4, traderCount: 30, secondsPerFill: 60, openPositionsTarget: 40)
        let fills = generator.generate(count: 3_000)
        try await insert(fills, pool)
        await pool.close()
        let asOf = String(generator.time)
        let gates = ["DATABASE_URL": url, "LEADER_MIN_TRADES_30D": "5", "LEADER_MIN_VOLUME_30D_USD": "10000"]

        let none = try await AlfaBinary.run(["leaderboard"], gates)
        #expect(none.status == 2)
        #expect(none.errorOutput.contains("no leaderboard yet: alfa serve computes one every LEADER_REFRESH_SECONDS"))

        // Stored now: the 2025 fills are long dormant, so nobody is eligible today.
        let refreshed = try await AlfaBinary.run(["leaderboard", "--refresh"], gates)
        #expect(refreshed.status == 0)
        #expect(refreshed.output.contains("Top 0 · 30d · 0 eligible"))
        #expect(try await AlfaBinary.run(["leaderboard"], gates).output == refreshed.output)

        let past = try await AlfaBinary.run(["leaderboard", "--as-of", asOf, "--top", "5", "--window", "all", "--json"], gates)
        #expect(past.status == 0)
        let board = try #require(try JSONSerialization.jsonObject(with: Data(past.output.utf8)) as? [String: Any])
        let rows = try #require(board["rows"] as? [[String: Any]])
        #expect(board["window"] as? String == "all")
        #expect(rows.count == 5)
        #expect(rows.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
        for row in rows {
            #expect((row["clean_pnl_usdc"] as? String).flatMap { FixedPoint.parse($0, scale: 6) } != nil)
            #expect((row["win_rate"] as? Double).map { (0...1).contains($0) } == true)
            #expect((row["trader"] as? String).flatMap { EVMAddress(hex: $0) } != nil)
            for key in ["score", "trades", "wins", "volume_usdc", "max_drawdown_pct", "liquidations", "last_trade_time",
                        "unrealized_pnl_usdc", "open_risk"] {
                #expect(row[key] != nil, "missing \(key)")
            }
        }
        let text = try await AlfaBinary.run(["leaderboard", "--as-of", asOf, "--top", "3"], gates)
        #expect(text.output.split(separator: "\n").count == 5)  // title, header, three rows

        let leader = try #require(rows.first?["trader"] as? String)
        let card = try await AlfaBinary.run(["trader", leader, "--as-of", asOf, "--json"], gates)
        #expect(card.status == 0)
        let trader = try #require(try JSONSerialization.jsonObject(with: Data(card.output.utf8)) as? [String: Any])
        #expect(Set((trader["windows"] as? [String: Any])?.keys.map { $0 } ?? []) == ["7d", "30d", "all"])
        #expect(((trader["recent_closes"] as? [Any])?.count ?? 99) <= 20)
        #expect(trader["eligible"] as? Bool == true)

        // A trader with open positions: each at its mark (the pair's last fill here), with its PnL, liquidation and age.
        var shown = 0
        for row in rows {
            let other = try await AlfaBinary.run(["trader", try #require(row["trader"] as? String), "--as-of", asOf, "--json"], gates)
            let card = try #require(try JSONSerialization.jsonObject(with: Data(other.output.utf8)) as? [String: Any])
            for position in card["open_positions"] as? [[String: Any]] ?? [] {
                let mark = try #require(position["mark"] as? [String: Any])
                #expect(mark["source"] as? String == "last fill" && (mark["age_seconds"] as? Int).map { $0 >= 0 } == true)
                #expect((position["unrealized_pnl_usdc"] as? String).flatMap { FixedPoint.parse($0, scale: 6) } != nil)
                #expect((position["liquidation_distance_pct"] as? Double) != nil && (position["age_seconds"] as? Int).map { $0 >= 0 } == true)
                #expect((position["pair"] as? String)?.isEmpty == false && position["entry_price"] is String)
                shown += 1
            }
            let text = try await AlfaBinary.run(["trader", try #require(row["trader"] as? String), "--as-of", asOf], gates).output
            if (card["open_positions"] as? [Any])?.isEmpty == false {
                #expect(text.contains("· unrealized ") && text.contains("(last fill, ") && text.contains("% away) · open "), "\(text)")
            }
        }
        #expect(shown > 0)

        let bad = try await AlfaBinary.run(["trader", "0xnope"], gates)
        #expect(bad.status == 64)
        #expect(bad.errorOutput.contains("\"0xnope\" is not an address (0x followed by 40 hex digits)"))
    }
}
