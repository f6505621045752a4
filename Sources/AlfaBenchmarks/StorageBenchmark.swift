import AlfaApp
import AlfaCore
import AlfaStore
import AlfaSystem
import Foundation

/// `alfa bench storage`: bulk-inserts realistic fills through `FillRepository` and, in the
/// same run, loads the same rows with `psql \copy` into an empty copy of the table.
/// Both tables are built by the real migrations in a scratch schema that is dropped after.
public enum StorageBenchmark {
    public struct Report: Sendable {
        public let rows: Int
        public let alfaSeconds: Double
        public let psqlSeconds: Double
        public var alfaRowsPerSecond: Double { Double(rows) / alfaSeconds }
        public var psqlRowsPerSecond: Double { Double(rows) / psqlSeconds }
        public var ratio: Double { alfaRowsPerSecond / psqlRowsPerSecond }

        public var text: String {
            let meetsRate = alfaRowsPerSecond >= 50_000
            let meetsRatio = ratio >= 0.5
            return """
            storage benchmark: \(rows) fill rows; fills (by month) and a plain copy of it for psql, each with the same keys and 5 indexes
              alfa FillRepository.insert (COPY): \(format(alfaSeconds)) s, \(Int(alfaRowsPerSecond)) rows/s
              psql \\copy from a file:            \(format(psqlSeconds)) s, \(Int(psqlRowsPerSecond)) rows/s
              ratio alfa/psql: \(format(ratio))
              target >= 50000 rows/s: \(meetsRate ? "met" : "MISSED"); target >= 0.5 x psql: \(meetsRatio ? "met" : "MISSED")
            """
        }

        private func format(_ value: Double) -> String { String(format: "%.3f", value) }
    }

    public static func run(databaseURL: String, migrations: [Migration], rows: Int, psql: String = "psql") async throws -> Report {
        let schema = "alfa_bench_\(getpid())"
        let worker = BlockingWorker(name: "alfa-bench")
        defer { worker.shutdown() }
        var generator = FillGenerator(seed: 20_261_121, traderCount: 10_000)
        let fills = generator.generate(count: rows)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(schema).copy").path
        defer { try? FileManager.default.removeItem(atPath: file) }

        let alfaSeconds = try await worker.run {
            let connection = try PostgresConnection.connect(url: databaseURL)
            try connection.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema); SET search_path TO \(schema)")
            try Migrator(migrations: migrations).apply(on: connection)
            try connection.execute("CREATE TABLE fills_psql (LIKE fills INCLUDING ALL)")
            try connection.execute("VACUUM ANALYZE fills")
            let started = DispatchTime.now()
            try connection.transaction { connection in
                try FillRepository(table: "\(schema).fills").insert(fills, on: connection)
            }
            return seconds(since: started)
        }
        let columns = "block_number, block_hash, block_time, tx_hash, log_index, event_generation, trader, pair_index, "
            + "trade_index, open_time, kind, order_type, is_long, price, leverage, collateral, position_collateral, notional, "
            + "percent_profit, payout, opening_fee, closing_fee, rollover_fee, gross_pnl, net_pnl, order_id"
        let psqlSeconds = try await worker.run {
            try runPsql(psql, databaseURL, "\\copy (SELECT \(columns) FROM \(schema).fills ORDER BY id) TO '\(file)'")
            let started = DispatchTime.now()
            try runPsql(psql, databaseURL, "\\copy \(schema).fills_psql (\(columns)) FROM '\(file)'")
            return seconds(since: started)
        }
        try await worker.run {
            let connection = try PostgresConnection.connect(url: databaseURL)
            let copied = try connection.query("SELECT (SELECT count(*) FROM \(schema).fills), (SELECT count(*) FROM \(schema).fills_psql)")
            guard try copied[0].decode(0, as: Int.self) == rows, try copied[0].decode(1, as: Int.self) == rows else {
                throw PostgresError(kind: .queryFailed, message: "benchmark tables do not hold \(rows) rows each")
            }
            try connection.execute("DROP SCHEMA \(schema) CASCADE")
        }
        return Report(rows: rows, alfaSeconds: alfaSeconds, psqlSeconds: psqlSeconds)
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private static func runPsql(_ psql: String, _ url: String, _ command: String) throws {
        try ChildProcess.run(psql, ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "--dbname", url, "-c", command])
    }
}
