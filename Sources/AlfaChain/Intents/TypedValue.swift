import AlfaCore
import Foundation

/// A value of an EIP-712 message, as JSON carries it: integers as decimal (or 0x hex) strings
/// or small numbers, booleans, strings (addresses, bytes32, text), nested structs.
public enum TypedValue: Sendable, Equatable, Decodable {
    case number(String)
    case bool(Bool)
    case string(String)
    case object([String: TypedValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(UInt64.self) { self = .number(String(value)) }
        else if let value = try? container.decode(Int64.self) { self = .number(String(value)) }
        else if let value = try? container.decode([String: TypedValue].self) { self = .object(value) }
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a number, string, boolean or object (large integers as strings)")
        }
    }

    /// The text of a number or string value.
    var text: String? {
        switch self {
        case .number(let text), .string(let text): text
        case .bool, .object: nil
        }
    }
}

/// 256-bit words from decimal or hex text, big-endian, as the ABI writes them.
enum Word256 {
    /// `text` as an unsigned integer of `bits` (decimal, or 0x-prefixed hex); nil when it is not one or does not fit.
    static func unsigned(_ text: String, bits: Int = 256) -> [UInt8]? {
        var word = [UInt8](repeating: 0, count: 32)
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            guard !digits.isEmpty, digits.count <= 64, let bytes = Hex.decode(String(repeating: "0", count: digits.count % 2) + digits)
            else { return nil }
            word.replaceSubrange((32 - bytes.count)..<32, with: bytes)
        } else {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            for digit in text.utf8 {
                var carry = UInt16(digit - 48)
                for index in stride(from: 31, through: 0, by: -1) {
                    let value = UInt16(word[index]) * 10 + carry
                    word[index] = UInt8(value & 0xff)
                    carry = value >> 8
                }
                if carry != 0 { return nil }
            }
        }
        return fits(word, bits: bits) ? word : nil
    }

    /// `text` as a two's-complement signed integer of `bits`.
    static func signed(_ text: String, bits: Int = 256) -> [UInt8]? {
        let negative = text.hasPrefix("-")
        guard var word = unsigned(negative ? String(text.dropFirst()) : text, bits: 256) else { return nil }
        if word.allSatisfy({ $0 == 0 }) { return word }
        // The magnitude must fit below 2^(bits−1) (2^(bits−1) itself when negative).
        if negative {
            for index in 0..<32 { word[index] = ~word[index] }
            var carry: UInt16 = 1
            for index in stride(from: 31, through: 0, by: -1) where carry != 0 {
                let value = UInt16(word[index]) + carry
                word[index] = UInt8(value & 0xff)
                carry = value >> 8
            }
            let fill = (32 - bits / 8)
            guard word[..<fill].allSatisfy({ $0 == 0xff }), word[fill] & 0x80 != 0 else { return nil }
            return word
        }
        let fill = (32 - bits / 8)
        return word[..<fill].allSatisfy({ $0 == 0 }) && word[fill] & 0x80 == 0 ? word : nil
    }

    private static func fits(_ word: [UInt8], bits: Int) -> Bool { word[..<(32 - bits / 8)].allSatisfy { $0 == 0 } }

    static func of(_ value: UInt64) -> [UInt8] { [UInt8](repeating: 0, count: 24) + withUnsafeBytes(of: value.bigEndian, Array.init) }
}
