import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaSystem
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
            let path = archivePath(settings.rawLogArchiveDirectory, ids: batch[0].id...batch[batch.count - 1].id)
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
        let created = try await pool.withConnection { try repository.ensureFillPartitions(monthsAhead: 2, on: $0) }
        try await pool.withConnection { try repository.analyze(on: $0) }
        write("ANALYZE: planner statistics refreshed")
        write("")
        DatabaseAdvice.partitions(try await pool.withConnection { try repository.fillPartitions(on: $0) }, created: created).forEach(write)
        let (tables, indexes) = try await pool.withConnection { (try repository.tables(on: $0), try repository.indexes(on: $0)) }
        write("")
        DatabaseAdvice.sizes(tables).forEach(write)
        write("")
        write("advice:")
        DatabaseAdvice.advice(tables: tables, indexes: indexes).forEach { write("- " + $0) }
    }

    /// Named by the ids it holds. Archived rows are deleted, so a later batch never starts at the
    /// same id: the name is taken again only by a retry after a crash left the rows in place.
    static func archivePath(_ directory: String, ids: ClosedRange<Int64>) -> String {
        (directory as NSString).appendingPathComponent("raw_logs_\(ids.lowerBound)-\(ids.upperBound).jsonl")
    }

    /// Writes `path` durably before the rows it holds may go: the bytes go to a `.partial` file
    /// that is synced, then renamed into place, and the directory is synced so the name survives
    /// a crash too. A reader never sees half a file.
    static func writeSynced(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let partial = path + ".partial"
        func failure(_ step: ArchiveError.Step, _ file: String) -> ArchiveError {
            ArchiveError(step: step, path: file, reason: String(cString: strerror(errno)))
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError(step: .createDirectory, path: directory, reason: "\(error)")
        }
        let file = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard file >= 0 else { throw failure(.create, partial) }
        var closed = false
        defer { if !closed { close(file) } }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure(.write, partial) }
            written += count
        }
        guard fsync(file) == 0 else { throw failure(.sync, partial) }
        closed = true
        guard close(file) == 0 else { throw failure(.close, partial) }
        guard rename(partial, path) == 0 else { throw failure(.rename, path) }
        let folder = open(directory, O_RDONLY)
        guard folder >= 0 else { throw failure(.openDirectory, directory) }
        defer { close(folder) }
        guard fsync(folder) == 0 else { throw failure(.syncDirectory, directory) }
    }
}

/// A raw-log archive that could not be written durably: nothing was pruned.
public struct ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Step: String, Sendable {
        case createDirectory = "create the archive directory"
        case create, write, sync, close
        case rename = "rename into place"
        case openDirectory = "open the directory"
        case syncDirectory = "sync the directory"
    }

    public var step: Step
    public var path: String
    public var reason: String

    public var description: String {
        "cannot \(step.rawValue) \(path): \(reason); check RAW_LOG_ARCHIVE_DIR and its permissions"
    }
}
