/// A 20-byte account or contract address. Compared by bytes, printed as lowercase hex,
/// so a checksummed and a lowercase spelling of one address are equal. Stored inline in
/// three integers: addresses key every per-trader dictionary, so hashing them is hot.
public struct EVMAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    private let high: UInt64   // bytes 0..<8, big-endian
    private let middle: UInt64 // bytes 8..<16
    private let low: UInt32    // bytes 16..<20

    public init?(bytes: [UInt8]) {
        guard bytes.count == 20 else { return nil }
        var high: UInt64 = 0, middle: UInt64 = 0, low: UInt32 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { middle = middle << 8 | UInt64(bytes[index]) }
        for index in 16..<20 { low = low << 8 | UInt32(bytes[index]) }
        (self.high, self.middle, self.low) = (high, middle, low)
    }

    /// From 20 bytes in memory (a database field), without an intermediate array.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 20 else { return nil }
        high = UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
        middle = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        low = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
    }

    /// A fast keyed mix of the 20 bytes for tables that pick their own seed: addresses are
    /// hashes already, and the secret seed keeps crafted ones from colliding on purpose.
    func mixed(seed: (UInt64, UInt64)) -> UInt64 {
        let a = (high ^ seed.0) &* 0x9E37_79B9_7F4A_7C15
        let b = (middle ^ seed.1) &* 0xC2B2_AE3D_27D4_EB4F
        let c = (UInt64(low) ^ (seed.0 >> 32)) &* 0x1656_67B1_9E37_79F9
        let mix = a ^ (b >> 29 | b << 35) ^ c
        return mix ^ (mix >> 31)
    }

    /// Accepts `0x` followed by 40 hex digits, in any letter case.
    public init?(hex text: some StringProtocol) {
        guard text.hasPrefix("0x") || text.hasPrefix("0X"), let bytes = Hex.decode(text.dropFirst(2)) else { return nil }
        self.init(bytes: bytes)
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: middle >> (56 - 8 * UInt64($0))) }
            + (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt32($0))) }
    }

    public var description: String { "0x" + Hex.encode(bytes) }

    /// The 40 lowercase hex digits without `0x` (button data, file names).
    public var hexDigits: String { Hex.encode(bytes) }

    /// `0x1234…abcd`, for chat and tables.
    public var short: String {
        let full = description
        return "\(full.prefix(6))…\(full.suffix(4))"
    }

    /// Addresses are uniformly random: two mixed words hash as well as three, and faster.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(high ^ UInt64(low))
        hasher.combine(middle)
    }

    public static func < (lhs: EVMAddress, rhs: EVMAddress) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }
}
