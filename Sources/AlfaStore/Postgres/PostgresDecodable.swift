import AlfaCore

/// A Swift type a column's text value can be decoded into.
public protocol PostgresDecodable: Sendable {
    init?(postgresText: String)
}

extension String: PostgresDecodable { public init?(postgresText: String) { self = postgresText } }
extension Int: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int16: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int32: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int64: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Int128: PostgresDecodable { public init?(postgresText: String) { self.init(postgresText) } }
extension Double: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(postgresText)
        }
    }
}
extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}
extension ByteA: PostgresDecodable {
    public init?(postgresText: String) {
        guard postgresText.hasPrefix("\\x"), let bytes = Hex.decode(postgresText.dropFirst(2)) else { return nil }
        self.init(bytes)
    }
}
extension EVMAddress: PostgresDecodable {
    public init?(postgresText: String) {
        guard let bytea = ByteA(postgresText: postgresText) else { return nil }
        self.init(bytes: bytea.bytes)
    }
}
extension Timestamp: PostgresDecodable {}
extension Hash32: PostgresDecodable {
    public init?(postgresText: String) {
        guard let bytea = ByteA(postgresText: postgresText) else { return nil }
        self.init(bytes: bytea.bytes)
    }
}
