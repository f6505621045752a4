import AlfaCore

/// One line of the audit log.
public struct AuditEntry: Sendable, Equatable {
    public enum Source: String, Sendable { case telegram, console }

    public var userID: Int64
    public var chatID: Int64
    public var source: Source
    public var command: String
    public var allowed: Bool
    public var result: String

    public init(userID: Int64, chatID: Int64, source: Source, command: String, allowed: Bool, result: String) {
        self.userID = userID
        self.chatID = chatID
        self.source = source
        self.command = command
        self.allowed = allowed
        self.result = result
    }
}

/// Who ran which admin command, when, and what came of it — refused attempts included.
public struct AuditRepository: Sendable {
    public init() {}

    public func record(_ entry: AuditEntry, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO audit_log (user_id, chat_id, source, command, allowed, result) VALUES ($1, $2, $3, $4, $5, $6)",
            [entry.userID, entry.chatID, entry.source.rawValue, entry.command, entry.allowed, entry.result])
    }

    public func recent(_ limit: Int, on connection: PostgresConnection) throws -> [AuditEntry] {
        try connection.query(
            "SELECT user_id, chat_id, source, command, allowed, result FROM audit_log ORDER BY id DESC LIMIT $1", [limit]
        ).map {
            AuditEntry(userID: try $0.decode("user_id"), chatID: try $0.decode("chat_id"),
                       source: AuditEntry.Source(rawValue: try $0.decode("source")) ?? .telegram,
                       command: try $0.decode("command"), allowed: try $0.decode("allowed"), result: try $0.decode("result"))
        }
    }
}
