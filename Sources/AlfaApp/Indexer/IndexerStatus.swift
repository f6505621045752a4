import AlfaCore
import AlfaStore
import Foundation

/// The indexer's state as `/status` and `alfa check` show it.
public struct IndexerStatus: Sendable {
    public var checkpoint: IndexerCheckpoint?
    public var rawLogs: [(reason: String, topic0: Hash32?, count: Int64)]

    public static func read(_ pool: PostgresPool) async throws -> IndexerStatus {
        try await pool.withConnection { connection in
            let repository = IndexerRepository()
            return IndexerStatus(checkpoint: try repository.checkpoint(on: connection),
                                 rawLogs: try repository.rawLogSummary(on: connection))
        }
    }

    public var lag: Int64? {
        guard let checkpoint, let head = checkpoint.headBlock else { return nil }
        return max(0, head - checkpoint.lastBlock)
    }

    public var unknownTopics: Int64 { rawLogs.filter { $0.reason == "unknown_topic" }.map(\.count).reduce(0, +) }
    public var malformedLogs: Int64 { rawLogs.filter { $0.reason == "malformed" }.map(\.count).reduce(0, +) }

    /// One line: indexed block, head, lag, raw logs, last error.
    public var summary: String {
        guard let checkpoint else { return "not started (run alfa index or alfa serve with RPC_URLS set)" }
        var parts = ["indexed through block \(checkpoint.lastBlock)"]
        if let head = checkpoint.headBlock, let lag {
            let seen = checkpoint.headSeenAt.map { " seen \(Self.age(of: $0)) ago" } ?? ""
            parts.append("head \(head)\(seen), lag \(lag) blocks")
        }
        if unknownTopics > 0 { parts.append("\(unknownTopics) log(s) with unknown topic0 kept raw (alfa abi inspect)") }
        if malformedLogs > 0 { parts.append("\(malformedLogs) malformed log(s) kept raw") }
        if let error = checkpoint.lastError, let at = checkpoint.lastErrorAt {
            parts.append("last error \(Self.age(of: at)) ago: \(error)")
        }
        return parts.joined(separator: "; ")
    }

    static func age(of timestamp: Timestamp) -> String {
        let seconds = max(0, Int(Date().timeIntervalSince1970) - Int(timestamp.unixSeconds))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        return "\(seconds / 3600)h"
    }
}
