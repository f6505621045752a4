import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaSystem
import Foundation

/// `alfa bench leaderboard`: FIFO + metrics throughput, full and incremental recompute, the
/// engine's memory per closed trade and the process's peak RSS, with fills generated as a
/// stream (never all in memory). With a database: the same fills stored, `alfa serve` started
/// on them (its first board's time and its peak RSS, read from /proc), `alfa leaderboard
/// --top 50` from the stored snapshot, and the 30-day clean PnL per trader by one SQL query.
public enum LeaderboardBenchmark {
    /// `alfa bench leaderboard`: with DATABASE_URL's database unless `inMemory`.
    public static func run(traders: Int, fills: Int, inMemory: Bool) async throws -> String {
        let settings = try await Startup.settings()
        var url: String?
        var migrations: [Migration] = []
        if !inMemory { (url, migrations) = try await Startup.benchmarkDatabase(settings) }
        // alfa serve is this very binary.
        let serve = inMemory ? nil : try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return try await run(databaseURL: url, migrations: migrations, traders: traders, fills: fills,
                             gates: EligibilityGates(settings.leaderboard), serve: serve)
    }

    static let chunk = 262_144
    static let secondsPerFill = 2.5

    /// With `databaseURL` nil only the in-memory part runs (for profiling). `serve` is the alfa
    /// executable to start on the stored fills.
    public static func run(databaseURL: String?, migrations: [Migration], traders: Int, fills count: Int,
                           gates: EligibilityGates, serve: String? = nil) async throws -> String {
        var lines: [String] = []
        func say(_ line: String) {
            lines.append(line)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        // The history ends an hour ago, so `alfa serve` (which ranks as of now) sees it as recent.
        // (The generator's clock steps by whole seconds rounded down: 0.5 s a fill less than asked, on average.)
        let start = Int64(Date().timeIntervalSince1970) - Int64(Double(count + 10_000) * (secondsPerFill - 0.5)) - 3_600
        @Sendable func generator() -> FillGenerator {
            FillGenerator(seed: 42, traderCount: traders, start: start, secondsPerFill: secondsPerFill, openPositionsTarget: 4_000)
        }
        say("leaderboard benchmark: \(traders) traders, \(count) fills over about \(String(format: "%.0f", Double(count) * (secondsPerFill - 0.5) / 86_400)) days, heavy-tailed activity, generated as a stream")

        // Full recompute on one core: FIFO books, metrics of every window, scores, ranking.
        var stream = generator()
        let heapBefore = BenchFigures.heapInUse()
        var engine = LeaderboardEngine()
        var applying = Duration.zero
        var closes = 0
        var remaining = count
        while remaining > 0 {
            let fills = stream.generate(count: min(chunk, remaining))
            closes += fills.lazy.filter(\.kind.isClose).count
            let started = ContinuousClock.now
            engine.apply(fills)
            applying += ContinuousClock.now - started
            remaining -= fills.count
        }
        let asOf = stream.time
        let ranking = ContinuousClock.now
        let snapshot = engine.snapshot(asOf: asOf, gates: gates)
        let ranked = ContinuousClock.now - ranking
        let full = BenchFigures.milliseconds(applying + ranked) / 1_000
        say(String(format: "  FIFO + metrics: %.0f fills/s on one core (apply %.3f s, metrics and ranking %.3f s; target >= 4,000,000)",
                   Double(count) / full, BenchFigures.milliseconds(applying) / 1_000, BenchFigures.milliseconds(ranked) / 1_000))
        say(String(format: "  full recompute: %.3f s (target <= 5 s); %d traders, %d eligible", full, snapshot.traders, snapshot.eligible))
        let valued = (snapshot.rows[.thirtyDays] ?? []).filter { $0.unrealized != 0 }.count
        say("  marks included: \(valued) ranked traders hold open positions valued at their pairs' marks (unrealized PnL, open risk)")

        let extra = stream.generate(count: 10_000)
        let laterAsOf = stream.time
        let incrementalStart = ContinuousClock.now
        engine.apply(extra)
        let incrementalApplied = ContinuousClock.now
        _ = engine.snapshot(asOf: laterAsOf, gates: gates)
        let incrementalEnd = ContinuousClock.now
        say(String(format: "  incremental refresh after 10,000 new fills: %.1f ms (FIFO %.1f ms, metrics and ranking %.1f ms; target <= 100 ms)",
                   BenchFigures.milliseconds(incrementalEnd - incrementalStart), BenchFigures.milliseconds(incrementalApplied - incrementalStart),
                   BenchFigures.milliseconds(incrementalEnd - incrementalApplied)))

        let held = BenchFigures.heapInUse() - heapBefore
        say(String(format: "  engine memory: %.0f MiB for %d closed trades, %.1f bytes per closed trade (target <= 64); %d events kept unsealed (the last %d days)",
                   Double(held) / 1_048_576, closes, Double(held) / Double(max(1, closes)), engine.retainedEvents, LeaderboardEngine.retentionDays))
        let memory = BenchFigures.residentMiB()
        say("  peak RSS of this process: \(memory.peak) MiB (target <= 1,536 MiB), resident now \(memory.now) MiB")
        say(valuation(positions: 10_000))

        guard let databaseURL else { return lines.joined(separator: "\n") }

        // Store the same stream, then start `alfa serve` on it.
        let schema = "alfa_bench_lb_\(getpid())"
        let schemaURL = PostgresURL.withSearchPath(databaseURL, schema: schema)
        let worker = BlockingWorker(name: "alfa-bench")
        defer { worker.shutdown() }
        let storeSeconds = try await worker.run {
            let admin = try PostgresConnection.connect(url: databaseURL)
            try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
            let connection = try PostgresConnection.connect(url: schemaURL)
            try Migrator(migrations: migrations).apply(on: connection)
            var again = generator()
            var left = count + 10_000
            let started = ContinuousClock.now
            while left > 0 {
                let fills = again.generate(count: min(chunk, left))
                try connection.transaction { try FillRepository().insert(fills, on: $0) }
                left -= fills.count
                if (count + 10_000 - left) % (chunk * 16) < chunk {
                    FileHandle.standardError.write(Data("    stored \(count + 10_000 - left) fills\n".utf8))
                }
            }
            let seconds = BenchFigures.milliseconds(ContinuousClock.now - started) / 1_000
            try connection.execute("ANALYZE")
            return seconds
        }
        say(String(format: "  stored %d fills in %.0f s (%.0f rows/s)", count + 10_000, storeSeconds, Double(count + 10_000) / storeSeconds))
        // Partition pruning: a 7-day window names its months only.
        let weekStart = laterAsOf - 7 * 86_400
        let pruning = try await worker.run {
            let connection = try PostgresConnection.connect(url: schemaURL)
            let months: Int64 = try connection.query(
                "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('fills')")[0].decode(0)
            let plan = try connection.query(
                "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) SELECT count(*), sum(payout) FROM fills WHERE block_time >= $1 AND block_time < $2",
                [Timestamp(unixSeconds: weekStart), Timestamp(unixSeconds: laterAsOf)]).map { try $0.decode(0, as: String.self) }
            return (months, plan)
        }
        func isPartition(_ token: Substring) -> Bool {
            token == "fills_default" || (token.count == 13 && token.hasPrefix("fills_") && token.dropFirst(6).allSatisfy { $0.isNumber || $0 == "_" })
        }
        let scanned = Set(pruning.1.flatMap { line in line.split(separator: " ").filter(isPartition) }).sorted()
        say("  a 7-day window query reads \(scanned.count) of \(pruning.0) partitions (\(scanned.joined(separator: ", "))):")
        for line in pruning.1 { say("    " + line) }
        defer {
            if let admin = try? PostgresConnection.connect(url: databaseURL) { try? admin.execute("DROP SCHEMA \(schema) CASCADE") }
        }
        if let serve {
            say(try await ServeMeasurement.firstBoard(executable: serve, databaseURL: schemaURL, fills: count + 10_000, worker: worker))
        }

        let board = engine.snapshot(asOf: laterAsOf, gates: gates)
        let (readLatencies, sqlSeconds, matches, compared) = try await worker.run {
            let connection = try PostgresConnection.connect(url: schemaURL)
            let repository = LeaderboardRepository()
            var latencies: [Double] = []
            if try repository.latest(on: connection) == nil {
                try repository.save(board, lastFillID: Int64(count + 10_000), computeMilliseconds: 0, on: connection)
            }
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
            return (latencies.sorted(), sqlSeconds, bySQL, rows.count)
        }
        var agree = 0
        for (trader, sqlPnL) in matches {
            if let ours = engine.metrics(of: trader, asOf: laterAsOf)?[.thirtyDays]?.cleanPnL, abs(ours - sqlPnL) <= 1_000_000 { agree += 1 }
        }
        say(String(format: "  alfa leaderboard --top 50 from the stored snapshot: p50 %.2f ms, p99 %.2f ms (target <= 20 ms)",
                   readLatencies[readLatencies.count / 2], readLatencies[readLatencies.count * 99 / 100]))
        say(String(format: "  30-day clean PnL per trader: one SQL query %.3f s; alfa's full recompute (every window and metric) %.3f s",
                   sqlSeconds, full))
        say("  agreement with SQL (within 1 USDC): \(agree) of \(compared) traders")
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
