import CLibPQ

/// The rows of one result. Reads straight from libpq's result, which is immutable and may
/// be read from any thread once produced.
public final class PostgresRows: @unchecked Sendable, RandomAccessCollection {
    let result: OpaquePointer
    public let columnNames: [String]
    /// Each name's position, looked up once per result; the first column wins a repeated name.
    private let positions: [String: Int32]

    init(result: OpaquePointer) {
        self.result = result
        columnNames = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        positions = Dictionary(columnNames.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
    }

    deinit { PQclear(result) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(PQntuples(result)) }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: Int32(position)) }

    /// Rows changed by an INSERT, UPDATE, DELETE or COPY.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    func columnIndex(_ name: String) throws(PostgresError) -> Int32 {
        guard let index = positions[name] else {
            throw PostgresError(kind: .decodingFailed, message: "no column named \(name) in the result")
        }
        return index
    }
}

/// One row; columns are read by name (or, for a single value, by position), decoded into the type asked for.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int32

    public func isNull(_ column: Int) -> Bool { PQgetisnull(rows.result, index, Int32(column)) == 1 }

    /// The column's value; NULL is an error here, use `optional` for nullable columns.
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let value = try optional(column, as: type) else {
            throw PostgresError(kind: .decodingFailed, message: "column \(rows.columnNames[column]) is NULL, expected \(T.self)")
        }
        return value
    }

    public func optional<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws(PostgresError) -> T? {
        guard column >= 0, column < rows.columnNames.count else {
            throw PostgresError(kind: .decodingFailed, message: "column \(column) is out of range")
        }
        if isNull(column) { return nil }
        let text = String(cString: PQgetvalue(rows.result, index, Int32(column)))
        guard let value = T(postgresText: text) else {
            throw PostgresError(kind: .decodingFailed,
                                message: "column \(rows.columnNames[column]) holds \"\(text.prefix(40))\", not a \(T.self)")
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        try decode(Int(rows.columnIndex(column)), as: type)
    }

    public func optional<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T? {
        try optional(Int(rows.columnIndex(column)), as: type)
    }
}
