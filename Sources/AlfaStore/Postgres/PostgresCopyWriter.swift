import AlfaCore
import CLibPQ

/// Writes rows in COPY's text format and streams them to the server in large chunks.
/// Call one `field`/`null` per column, then `endRow()`.
public final class PostgresCopyWriter {
    private let handle: OpaquePointer
    private var buffer: [UInt8] = []
    private var atRowStart = true
    private let chunkSize = 1 << 20

    init(handle: OpaquePointer) {
        self.handle = handle
        buffer.reserveCapacity(chunkSize + 4096)
    }

    public func field(_ value: Int64) {
        separate()
        if value < 0 {
            buffer.append(UInt8(ascii: "-"))
            appendDigits(value.magnitude)
        } else {
            appendDigits(UInt64(value))
        }
    }

    public func field(_ value: Int32) { field(Int64(value)) }

    public func field(_ value: Bool) {
        separate()
        buffer.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// Text, escaped for COPY (backslash, tab, newline, carriage return).
    public func field(_ value: String) {
        separate()
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }

    /// `bytea` in hex form; the backslash of `\x` is itself escaped in COPY text.
    public func field(bytes: [UInt8]) {
        separate()
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")])
        for byte in bytes {
            buffer.append(Self.hexDigits[Int(byte >> 4)])
            buffer.append(Self.hexDigits[Int(byte & 0x0f)])
        }
    }

    public func field(_ timestamp: Timestamp) { field(timestamp.postgresText) }

    public func null() {
        separate()
        buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
    }

    public func endRow() throws(PostgresError) {
        buffer.append(UInt8(ascii: "\n"))
        atRowStart = true
        if buffer.count >= chunkSize { try flush() }
    }

    func flush() throws(PostgresError) {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw PostgresError(kind: .connectionLost, message: String(cString: PQerrorMessage(handle)))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func separate() {
        if atRowStart { atRowStart = false } else { buffer.append(UInt8(ascii: "\t")) }
    }

    private func appendDigits(_ value: UInt64) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(scratch[index]) }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
