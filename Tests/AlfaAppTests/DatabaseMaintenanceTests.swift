@testable import AlfaApp
@testable import AlfaBenchmarks
import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

/// `alfa db optimize` against a real PostgreSQL: raw logs past the retention are archived to a
/// file and deleted, fills are untouched, and the report names sizes and advice.
@Suite("alfa db optimize: retention, statistics, advice", .postgres)
struct DatabaseMaintenanceTests {
    @Test func oldRawLogsAreArchivedToAFileFillsStayAndAdviceIsPrinted() async throws {
        let database = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: database)
        let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
        try await pool.withConnection { connection in
            try FillRepository().insert([CopyBenchmark.leaderOpen(leader, index: 1)], on: connection)
            for (index, age) in [Int64(800), 731, 10].enumerated() {
                let hash = "decode(lpad(to_hex($1::bigint), 64, '0'), 'hex')"
                try connection.query(
                    "INSERT INTO raw_logs (block_number, block_hash, tx_hash, log_index, address, topic0, topics, data, reason, detail, stored_at) "
                        + "VALUES ($1, \(hash), \(hash), $1, decode(repeat('07', 20), 'hex'), \(hash), \(hash), '\\x00', "
                        + "'unknown_topic', 'a future generation', now() - make_interval(days => $2::int))",
                    [Int64(index), age])
            }
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-archive-\(UUID())").path
        let env = ["DATABASE_URL": database, "RAW_LOG_ARCHIVE_DIR": folder]
        let first = try await AlfaBinary.run(["db", "optimize"], env)
        #expect(first.status == 0, "\(first.errorOutput)")
        #expect(first.output.contains("raw logs: 2 stored more than 730 days ago archived to \(folder)/raw_logs_"))
        #expect(first.output.contains("ANALYZE: planner statistics refreshed"))
        #expect(first.output.contains("fills") && first.output.contains("raw_logs") && first.output.contains("advice:"))
        // The fills partitions, month by month, with the next two months made ahead.
        #expect(first.output.contains("fills by month: "))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let inTwoMonths = utc.dateComponents([.year, .month], from: utc.date(byAdding: .month, value: 2, to: Date())!)
        let ahead = String(format: "fills_%04d_%02d", inTwoMonths.year!, inTwoMonths.month!)
        #expect(first.output.split(separator: "\n").contains { $0.hasPrefix(ahead + " ") }, "\(first.output)")

        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1)
        let lines = try String(contentsOfFile: folder + "/" + files[0], encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains(#""reason" : "unknown_topic""#) || $0.contains(#""reason":"unknown_topic""#) })
        let (raw, fills, archives): (Int64, Int64, Int64) = try await pool.withConnection { connection in
            let row = try connection.query(
                "SELECT (SELECT count(*) FROM raw_logs), (SELECT count(*) FROM fills), (SELECT count(*) FROM raw_log_archives)")[0]
            return (try row.decode(0), try row.decode(1), try row.decode(2))
        }
        #expect(raw == 1 && fills == 1 && archives == 1)

        let second = try await AlfaBinary.run(["db", "optimize"], env.merging(["RAW_LOG_RETENTION_DAYS": "5"]) { $1 })
        #expect(second.output.contains("raw logs: 1 stored more than 5 days ago archived"))
        // Both archives are kept, even when the runs fall in the same second: named by the ids they hold.
        let archived = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(archived == ["raw_logs_1-2.jsonl", "raw_logs_3-3.jsonl"], "\(archived)")
        let bad = try await AlfaBinary.run(["db", "optimize"], env.merging(["RAW_LOG_RETENTION_DAYS": "0"]) { $1 })
        #expect(bad.status != 0 && bad.errorOutput.contains("RAW_LOG_RETENTION_DAYS"))
        await pool.close()
    }
}
