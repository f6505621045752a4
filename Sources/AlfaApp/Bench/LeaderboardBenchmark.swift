import AlfaCore
import AlfaStore
import Foundation

/// `alfa bench leaderboard`: FIFO + metrics throughput, full and incremental recompute,
/// `alfa leaderboard --top 50` from a stored snapshot, peak memory, and the same 30-day
/// clean PnL per trader computed by one SQL query for comparison.
public enum LeaderboardBenchmark {
    /// With `databaseURL` nil only the in-memory part runs (for profiling).
    public static func run(databaseURL: String?, migrations: [Migration], traders: Int, fills count: Int,
                           gates: EligibilityGates) async throws -> String {
        var lines: [String] = []
        func say(_ line: String) {
            lines.append(line)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        var generator = FillGenerator(seed: 42, traderCount: traders, secondsPerFill: 2.5, openPositionsTarget: 4_000)
        let history = generator.generate(count: count)
        let asOf = generator.time
        let extra = generator.generate(count: 10_000)
        let laterAsOf = generator.time
        let span = Double(asOf - history[0].blockTime) / 86_400
        say("leaderboard benchmark: \(traders) traders, \(count) fills over \(String(format: "%.0f", span)) days, heavy-tailed activity")

        // Full recompute on one core: FIFO books, metrics of every window, scores, ranking.
        var engine = LeaderboardEngine()
        let started = DispatchTime.now()
        engine.apply(history)
        let applied = DispatchTime.now()
        let snapshot = engine.snapshot(asOf: asOf, gates: gates)
        let ranked = DispatchTime.now()
        let fullSeconds = seconds(started, ranked)
        say(String(format: "  FIFO + metrics: %.0f fills/s (FIFO %.3f s, metrics and ranking %.3f s)",
                   Double(count) / fullSeconds, seconds(started, applied), seconds(applied, ranked)))
        say(String(format: "  full recompute: %.3f s (target <= 2 s); %d traders, %d eligible",
                   fullSeconds, snapshot.traders, snapshot.eligible))
        // The ranking values the eligible traders' open positions at each pair's last fill (marks included above).
        let valued = (snapshot.rows[.thirtyDays] ?? []).filter { $0.unrealized != 0 }.count
        say("  marks included: \(valued) ranked traders hold open positions valued at their pairs' marks (unrealized PnL, open risk)")

        let incrementalStart = DispatchTime.now()
        engine.apply(extra)
        let incrementalApplied = DispatchTime.now()
        let refreshed = engine.snapshot(asOf: laterAsOf, gates: gates)
        let crossesMidnight = TimeWindow.day(of: laterAsOf) != TimeWindow.day(of: asOf)
        say(String(format: "  incremental refresh after 10,000 new fills: %.1f ms (FIFO %.1f ms, metrics and ranking %.1f ms%@; target <= 100 ms)",
                   seconds(incrementalStart, DispatchTime.now()) * 1000, seconds(incrementalStart, incrementalApplied) * 1000,
                   seconds(incrementalApplied, DispatchTime.now()) * 1000, crossesMidnight ? ", crossing midnight" : ""))

        say(valuation(positions: 10_000))

        guard let databaseURL else { return lines.joined(separator: "\n") }

        // Store everything, then read the board as `alfa leaderboard --top 50` does.
        let schema = "alfa_bench_lb_\(getpid())"
        let schemaURL = PostgresURL.withSearchPath(databaseURL, schema: schema)
        let worker = BlockingWorker(name: "alfa-bench")
        defer { worker.shutdown() }
        let all = history + extra
        let (readLatencies, sqlSeconds, matches, compared) = try await worker.run {
            let admin = try PostgresConnection.connect(url: databaseURL)
            try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
            let connection = try PostgresConnection.connect(url: schemaURL)
            try Migrator(migrations: migrations).apply(on: connection)
            try connection.transaction { try FillRepository().insert(all, on: $0) }
            try connection.execute("ANALYZE")
            let repository = LeaderboardRepository()
            try repository.save(refreshed, lastFillID: Int64(all.count), computeMilliseconds: 0, on: connection)

            var latencies: [Double] = []
            for _ in 0..<200 {
                let start = DispatchTime.now()
                let info = try repository.latest(on: connection)!
                let rows = try repository.top(50, window: .thirtyDays, snapshot: info.id, on: connection)
                _ = LeaderboardText.table(rows[...], window: .thirtyDays, asOf: info.asOf, eligible: info.eligible, style: .telegramHTML)
                latencies.append(seconds(start, DispatchTime.now()) * 1000)
            }

            // The same 30-day clean PnL per trader, by SQL: payout − collateral − the closed share of the opening fee.
            let windowStart = TimeWindow.thirtyDays.start(asOf: laterAsOf)!
            let sqlStart = DispatchTime.now()
            let rows = try connection.query(
                """
                SELECT c.trader, sum(c.payout - c.collateral - o.opening_fee * c.collateral / o.collateral)::bigint
                FROM fills c
                JOIN fills o ON o.kind = 'open' AND o.trader = c.trader AND o.pair_index = c.pair_index
                            AND o.trade_index = c.trade_index AND o.open_time = c.open_time
                WHERE c.kind <> 'open' AND c.block_time >= $1 AND c.block_time <= $2
                GROUP BY c.trader
                """,
                [Timestamp(unixSeconds: windowStart), Timestamp(unixSeconds: laterAsOf)])
            let sqlSeconds = seconds(sqlStart, DispatchTime.now())
            var bySQL: [EVMAddress: Int64] = [:]
            for row in rows { bySQL[try row.decode(0, as: EVMAddress.self)] = try row.decode(1, as: Int64.self) }
            try admin.execute("DROP SCHEMA \(schema) CASCADE")
            return (latencies.sorted(), sqlSeconds, bySQL, rows.count)
        }
        var agree = 0
        for (trader, sqlPnL) in matches {
            if let ours = engine.metrics(of: trader, asOf: laterAsOf)?[.thirtyDays]?.cleanPnL, abs(ours - sqlPnL) <= 1_000_000 { agree += 1 }
        }
        say(String(format: "  alfa leaderboard --top 50 from the stored snapshot: p50 %.2f ms, p99 %.2f ms (target <= 20 ms)",
                   readLatencies[readLatencies.count / 2], readLatencies[readLatencies.count * 99 / 100]))
        say(String(format: "  30-day clean PnL per trader: one SQL query %.3f s; alfa's full recompute (every window and metric) %.3f s",
                   sqlSeconds, fullSeconds))
        say("  agreement with SQL (within 1 USDC): \(agree) of \(compared) traders")
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        say("  peak RSS: \(usage.ru_maxrss / 1024) MiB (includes the generated fills)")
        return lines.joined(separator: "\n")
    }

    private static func seconds(_ start: DispatchTime, _ end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// 10,000 open positions valued at their marks (unrealized PnL and liquidation), as
    /// `/copy pnl` does for ours: the best of five passes.
    static func valuation(positions count: Int) -> String {
        var random = SeededRandom(seed: 7)
        var markOf: [Int32: Mark] = [:]
        for pair in Int32(0)..<100 {
            let price = 650_000_000_000_000 + Int64(random.next() % 50_000_000_000_000)
            markOf[pair] = Mark(price: price, source: .pyth, publishedAt: 1_000)
        }
        var positions: [MirroredPosition] = []
        for index in 0..<count {
            let leverage = Int64(1 + index % 50) * 10_000_000_000
            positions.append(MirroredPosition(openOrderID: Int64(index), pairIndex: Int32(index % 100), isLong: index % 2 == 0,
                                              entryPrice: 650_000_000_000_000, leverage: leverage,
                                              remainingCollateral: 100_000_000, remainingOpeningFee: 0))
        }
        var best = Double.infinity
        var total: Int64 = 0
        for _ in 0..<5 {
            let started = DispatchTime.now()
            total &+= OpenPositionsReport(positions, marks: markOf, now: 1_010, maxAge: 60).unrealized
            best = min(best, seconds(started, DispatchTime.now()) * 1_000)
        }
        return String(format: "  valuing %d open positions at their marks (unrealized PnL, liquidation): %.2f ms (checksum %lld)",
                      count, best, total)
    }
}
