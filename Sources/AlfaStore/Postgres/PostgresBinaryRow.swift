/// One row of a binary COPY, read field by field in order (PostgreSQL's binary COPY format:
/// a 16-bit field count, then per field a 32-bit length, −1 for NULL, and the bytes, all
/// big-endian). Valid only inside the `copyOut` callback that received it.
public struct PostgresBinaryRow {
    private let row: UnsafeRawBufferPointer
    private var offset = 2
    public let fieldCount: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        row = bytes
        fieldCount = Int(bytes.loadUnaligned(as: Int16.self).bigEndian)
    }

    /// The next field's bytes; nil for NULL.
    public mutating func next() throws(PostgresError) -> UnsafeRawBufferPointer? {
        guard offset + 4 <= row.count else { throw Self.short }
        let length = Int(row.loadUnaligned(fromByteOffset: offset, as: Int32.self).bigEndian)
        offset += 4
        guard length >= 0 else { return nil }
        guard offset + length <= row.count else { throw Self.short }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: row[offset..<(offset + length)])
    }

    public mutating func int64() throws(PostgresError) -> Int64 {
        guard let field = try next(), field.count == 8 else { throw Self.mismatch("bigint") }
        return Int64(bigEndian: field.loadUnaligned(as: Int64.self))
    }

    public mutating func int32() throws(PostgresError) -> Int32 {
        guard let field = try next(), field.count == 4 else { throw Self.mismatch("integer") }
        return Int32(bigEndian: field.loadUnaligned(as: Int32.self))
    }

    public mutating func bool() throws(PostgresError) -> Bool {
        guard let field = try next(), field.count == 1 else { throw Self.mismatch("boolean") }
        return field[0] != 0
    }

    /// A timestamptz as unix seconds (binary timestamps count microseconds from 2000-01-01).
    public mutating func unixSeconds() throws(PostgresError) -> Int64 {
        let micros = try int64()
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        return seconds + 946_684_800
    }

    /// A bytea or text field's bytes.
    public mutating func bytes() throws(PostgresError) -> UnsafeRawBufferPointer {
        guard let field = try next() else { throw Self.mismatch("non-null bytes") }
        return field
    }

    private static let short = PostgresError(kind: .decodingFailed, message: "a binary COPY row ended early")
    private static func mismatch(_ type: String) -> PostgresError {
        PostgresError(kind: .decodingFailed, message: "a binary COPY field is not a \(type)")
    }
}
