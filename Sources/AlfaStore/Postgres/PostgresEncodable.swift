import AlfaCore

/// A Swift value sent as a query parameter, in PostgreSQL's text format.
/// Values always travel as parameters (`$1`), never spliced into SQL.
public protocol PostgresEncodable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresEncodable { public var postgresText: String { self } }
extension Int: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int16: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int32: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int64: PostgresEncodable { public var postgresText: String { String(self) } }
extension Int128: PostgresEncodable { public var postgresText: String { String(self) } }
extension Bool: PostgresEncodable { public var postgresText: String { self ? "t" : "f" } }

extension Double: PostgresEncodable {
    /// Round-trip exact (Swift prints the shortest text that parses back to the same double).
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

/// `bytea` in hex format.
public struct ByteA: PostgresEncodable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresText: String { "\\x" + Hex.encode(bytes) }
}

extension EVMAddress: PostgresEncodable {
    /// Stored as 20 raw bytes in a `bytea` column.
    public var postgresText: String { "\\x" + Hex.encode(bytes) }
}

extension Hash32: PostgresEncodable {
    /// Stored as 32 raw bytes in a `bytea` column.
    public var postgresText: String { "\\x" + Hex.encode(bytes) }
}

/// `timestamptz`, from unix time, exact to the microsecond.
public struct Timestamp: PostgresEncodable, Hashable, Comparable {
    public var microsecondsSinceEpoch: Int64
    public init(unixSeconds: Int64) { microsecondsSinceEpoch = unixSeconds * 1_000_000 }
    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }

    public var unixSeconds: Int64 { microsecondsSinceEpoch.floorDivided(by: 1_000_000) }

    /// Sent as seconds since the epoch: `to_timestamp` is avoided, the server parses the
    /// `epoch` literal form exactly.
    public var postgresText: String {
        let seconds = microsecondsSinceEpoch.floorDivided(by: 1_000_000)
        let micros = microsecondsSinceEpoch - seconds * 1_000_000
        return Timestamp.format(seconds: seconds, micros: micros)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}
