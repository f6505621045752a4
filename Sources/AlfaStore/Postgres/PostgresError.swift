/// A failed database operation. `kind` says what to do about it; the message comes from
/// the server or libpq with any password scrubbed, and never includes the connection URL.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Could not connect (bad host, auth, server down). Retry later or fix DATABASE_URL.
        case connectionFailed
        /// The connection broke while a statement was in flight (server restart, network).
        /// The statement's effect is unknown unless it was in a transaction; the pool reconnects.
        case connectionLost
        /// A unique constraint rejected the write: the row already exists.
        case uniqueViolation
        /// The server rejected the statement.
        case queryFailed
        /// A value could not be decoded into the requested Swift type.
        case decodingFailed
        /// The pool has been closed.
        case poolClosed
    }

    public let kind: Kind
    /// The five-character SQLSTATE, when the server sent one.
    public let sqlState: String?
    public let message: String

    public init(kind: Kind, sqlState: String? = nil, message: String) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String {
        let state = sqlState.map { " [SQLSTATE \($0)]" } ?? ""
        return "database \(kind.rawValue)\(state): \(message)"
    }
}
