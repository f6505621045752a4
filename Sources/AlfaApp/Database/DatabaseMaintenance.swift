import AlfaCore
import AlfaStore
import Foundation

/// `alfa db optimize`: archives raw logs older than RAW_LOG_RETENTION_DAYS (to JSON-lines files,
/// written and synced before the rows are deleted; fills are never touched), refreshes the
/// planner's statistics, and reports table and index sizes with advice.
public enum DatabaseMaintenance {
    static let batchSize = 10_000

    public static func optimize(settings: Settings.Maintenance, pool: PostgresPool, now: Int64,
                                write: (String) -> Void) async throws {
        let repository = MaintenanceRepository()
        let cutoff = now - settings.rawLogRetentionDays * 86_400
        let files = BlockingWorker(name: "alfa-archive")
        defer { files.shutdown() }
        var archived = 0
        var written: [String] = []
        while true {
            let batch = try await pool.withConnection { try repository.rawLogs(storedBefore: cutoff, limit: batchSize, on: $0) }
            guard !batch.isEmpty else { break }
            let path = archivePath(settings.rawLogArchiveDirectory, now: now, part: written.count + 1)
            let lines = batch.map(\.json).joined(separator: "\n") + "\n"
            try await files.run { try writeSynced(lines, to: path) }
            // Only once the file is on disk: a crash in between leaves the rows, never loses them.
            try await pool.withConnection {
                try repository.archived(ids: batch.map(\.id), file: path, olderThan: cutoff, on: $0)
            }
            archived += batch.count
            written.append(path)
        }
        write(archived == 0
            ? "raw logs: none stored more than \(settings.rawLogRetentionDays) days ago (RAW_LOG_RETENTION_DAYS); fills are never archived"
            : "raw logs: \(archived) stored more than \(settings.rawLogRetentionDays) days ago archived to \(written.joined(separator: ", ")) "
                + "and deleted; fills are never archived")
        try await pool.withConnection { try repository.analyze(on: $0) }
        write("ANALYZE: planner statistics refreshed")
        let (tables, indexes) = try await pool.withConnection { (try repository.tables(on: $0), try repository.indexes(on: $0)) }
        write("")
        DatabaseAdvice.sizes(tables).forEach(write)
        write("")
        write("advice:")
        DatabaseAdvice.advice(tables: tables, indexes: indexes).forEach { write("- " + $0) }
    }

    static func archivePath(_ directory: String, now: Int64, part: Int) -> String {
        let stamp = CivilDate.isoTime(unixSeconds: now).filter { $0.isNumber || $0 == "T" }
        return (directory as NSString).appendingPathComponent("raw_logs_\(stamp)_\(part).jsonl")
    }

    static func writeSynced(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw ConfigurationLoader.Failure(description: "cannot write the archive \(path): check RAW_LOG_ARCHIVE_DIR and its permissions")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
