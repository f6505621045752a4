/// Recursive Length Prefix encoding, the serialization of Ethereum transactions.
public enum RLP: Sendable, Equatable {
    case bytes([UInt8])
    case list([RLP])

    /// An unsigned integer as its minimal big-endian bytes (zero is the empty string).
    public static func uint(_ value: UInt64) -> RLP { .bytes(minimalBigEndian(value)) }

    /// A 256-bit quantity given as 32 (or fewer) big-endian bytes, leading zeros dropped.
    public static func quantity(_ bigEndian: [UInt8]) -> RLP { .bytes(Array(bigEndian.drop { $0 == 0 })) }

    public var encoded: [UInt8] {
        var out: [UInt8] = []
        append(to: &out)
        return out
    }

    private func append(to out: inout [UInt8]) {
        switch self {
        case .bytes(let bytes):
            if bytes.count == 1, bytes[0] < 0x80 {
                out.append(bytes[0])
            } else {
                Self.appendLength(bytes.count, offset: 0x80, to: &out)
                out.append(contentsOf: bytes)
            }
        case .list(let items):
            var payload: [UInt8] = []
            for item in items { item.append(to: &payload) }
            Self.appendLength(payload.count, offset: 0xc0, to: &out)
            out.append(contentsOf: payload)
        }
    }

    private static func appendLength(_ length: Int, offset: UInt8, to out: inout [UInt8]) {
        if length < 56 {
            out.append(offset + UInt8(length))
        } else {
            let digits = minimalBigEndian(UInt64(length))
            out.append(offset + 55 + UInt8(digits.count))
            out.append(contentsOf: digits)
        }
    }

    static func minimalBigEndian(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = value
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xff), at: 0)
            rest >>= 8
        }
        return bytes
    }
}
