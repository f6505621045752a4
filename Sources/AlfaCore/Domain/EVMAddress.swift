/// A 20-byte account or contract address. Compared by bytes, printed as lowercase hex,
/// so a checksummed and a lowercase spelling of one address are equal.
public struct EVMAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        self.bytes = bytes
    }

    /// Accepts `0x` followed by 40 hex digits, in any letter case.
    public init?(hex text: some StringProtocol) {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"),
              let bytes = Hex.decode(text.dropFirst(2)), bytes.count == 20
        else { return nil }
        self.bytes = bytes
    }

    public var description: String { "0x" + Hex.encode(bytes) }

    /// `0x1234…abcd`, for chat and tables.
    public var short: String {
        let full = description
        return "\(full.prefix(6))…\(full.suffix(4))"
    }

    public static func < (lhs: EVMAddress, rhs: EVMAddress) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
