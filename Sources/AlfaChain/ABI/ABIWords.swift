import AlfaCore

/// An event's `data` read as 32-byte words, each checked against its ABI type: values a
/// correct encoder cannot produce (a bool that is not 0 or 1, an address with high bytes)
/// are errors, and so is a number too large for the column it feeds.
public struct ABIWords {
    public let data: [UInt8]

    public init(_ data: [UInt8]) { self.data = data }

    public var count: Int { data.count / 32 }

    /// Checks that word `index` is a valid encoding of `type`.
    public func validate(_ index: Int, as type: ABIType) -> String? {
        let base = index * 32
        switch type {
        case .uint(let bits):
            return data[base..<base + 32 - bits / 8].allSatisfy({ $0 == 0 }) ? nil : "word \(index) is not a uint\(bits)"
        case .int(let bits):
            // Two's complement: the bytes above the value repeat its sign bit.
            let first = base + 32 - bits / 8
            let fill: UInt8 = data[first] & 0x80 == 0 ? 0x00 : 0xff
            return data[base..<first].allSatisfy({ $0 == fill }) ? nil : "word \(index) is not an int\(bits)"
        case .bool:
            return data[base..<base + 31].allSatisfy({ $0 == 0 }) && data[base + 31] <= 1 ? nil : "word \(index) is not a bool (0 or 1)"
        case .address:
            return data[base..<base + 12].allSatisfy({ $0 == 0 }) ? nil : "word \(index) is not an address"
        case .fixedBytes(let count):
            return data[base + count..<base + 32].allSatisfy({ $0 == 0 }) ? nil : "word \(index) is not a bytes\(count)"
        case .tuple, .fixedArray, .dynamic:
            return nil
        }
    }

    /// An unsigned word that must fit `UInt64`.
    public func unsigned(_ index: Int) -> UInt64? {
        let base = index * 32
        guard data[base..<base + 24].allSatisfy({ $0 == 0 }) else { return nil }
        var value: UInt64 = 0
        for offset in base + 24..<base + 32 { value = value << 8 | UInt64(data[offset]) }
        return value
    }

    /// An unsigned word that must fit a non-negative `Int64`.
    public func int64(_ index: Int) -> Int64? {
        guard let value = unsigned(index), value <= UInt64(Int64.max) else { return nil }
        return Int64(value)
    }

    /// A two's-complement `int256` word that must fit `Int64`.
    public func signed(_ index: Int) -> Int64? {
        let base = index * 32
        let fill: UInt8 = data[base + 24] & 0x80 == 0 ? 0x00 : 0xff
        guard data[base..<base + 24].allSatisfy({ $0 == fill }) else { return nil }
        var value: UInt64 = 0
        for offset in base + 24..<base + 32 { value = value << 8 | UInt64(data[offset]) }
        return Int64(bitPattern: value)
    }

    public func bool(_ index: Int) -> Bool { data[index * 32 + 31] == 1 }

    public func address(_ index: Int) -> EVMAddress {
        EVMAddress(bytes: Array(data[index * 32 + 12..<index * 32 + 32]))!
    }
}
