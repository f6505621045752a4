import AlfaCore

/// A forward-only reader over a JSON document's bytes that allocates only what the caller
/// asks for. JSON-RPC answers are mostly hex strings: decoding them straight from the
/// buffer is what lets `eth_getLogs` pages decode at hundreds of thousands of logs a second.
public struct JSONCursor {
    public let bytes: UnsafeBufferPointer<UInt8>
    public private(set) var position: Int
    /// Objects and arrays open around the position. Reading recurses through them, so a
    /// document nested without end would exhaust the stack: beyond `maxDepth` it is refused.
    private var depth = 0
    /// Far beyond any answer alfa reads (logs nest three deep), far below a thread's stack.
    public static let maxDepth = 64

    public init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Runs `body` over a cursor on `bytes`.
    public static func read<T>(_ bytes: [UInt8], _ body: (inout JSONCursor) throws(JSONError) -> T) throws(JSONError) -> T {
        let result: Result<T, JSONError> = bytes.withUnsafeBufferPointer { buffer in
            var cursor = JSONCursor(buffer)
            do throws(JSONError) { return .success(try body(&cursor)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    // MARK: Structure

    /// Calls `body` for each member of an object; `body` must consume the member's value.
    public mutating func forEachMember(_ body: (inout JSONCursor, UnsafeBufferPointer<UInt8>) throws(JSONError) -> Void) throws(JSONError) {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        if try consumeIf(UInt8(ascii: "}")) { return }
        repeat {
            let key = try readRawString()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
        } while try consumeIf(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// Calls `body` for each element of an array; `body` must consume the element.
    public mutating func forEachElement(_ body: (inout JSONCursor) throws(JSONError) -> Void) throws(JSONError) {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        if try consumeIf(UInt8(ascii: "]")) { return }
        repeat { try body(&self) } while try consumeIf(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    private mutating func enter() throws(JSONError) {
        guard depth < Self.maxDepth else { throw .unexpected("at most \(Self.maxDepth) nested objects and arrays", at: position) }
        depth += 1
    }

    /// What the next value is, without consuming it.
    public mutating func peekKind() throws(JSONError) -> JSONKind {
        skipWhitespace()
        guard position < bytes.count else { throw .unexpectedEnd }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: return .number
        }
    }

    /// Consumes `null` and returns true, or leaves a non-null value in place.
    public mutating func consumeNull() throws(JSONError) -> Bool {
        guard try peekKind() == .null else { return false }
        try literal("null")
        return true
    }

    /// Skips one value of any kind.
    public mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object: try forEachMember { cursor, _ throws(JSONError) in try cursor.skipValue() }
        case .array: try forEachElement { cursor throws(JSONError) in try cursor.skipValue() }
        case .string: _ = try readRawString(allowEscapes: true)
        case .bool: _ = try readBool()
        case .null: try literal("null")
        case .number: _ = try readNumberText()
        }
    }

    /// The bytes of the next value, consumed: a batch answer's `result`, kept for later.
    public mutating func readRawValue() throws(JSONError) -> [UInt8] {
        skipWhitespace()
        let start = position
        try skipValue()
        return Array(bytes[start..<position])
    }

    // MARK: Scalars

    /// A string's bytes without its quotes. Hex and keys never carry escapes; a string
    /// that does is refused unless `allowEscapes` (then the bytes are left escaped).
    public mutating func readRawString(allowEscapes: Bool = false) throws(JSONError) -> UnsafeBufferPointer<UInt8> {
        try expect(UInt8(ascii: "\""))
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<position - 1])
            }
            if byte == UInt8(ascii: "\\") {
                guard allowEscapes else { throw .unexpected("an escape in a hex string", at: position) }
                position += 1
            }
            position += 1
        }
        throw .unexpectedEnd
    }

    /// A string with its escapes decoded.
    public mutating func readString() throws(JSONError) -> String {
        let raw = try readRawString(allowEscapes: true)
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < raw.count else { out.append(byte); continue }
            let escaped = raw[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u"):
                guard index + 4 <= raw.count, let code = UInt32(String(decoding: raw[index..<index + 4], as: UTF8.self), radix: 16)
                else { throw .unexpected("a bad \\u escape", at: position) }
                index += 4
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public mutating func readBool() throws(JSONError) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "t") { try literal("true"); return true }
        try literal("false")
        return false
    }

    /// A JSON number as an integer (JSON-RPC ids and error codes).
    public mutating func readInt() throws(JSONError) -> Int64 {
        let text = try readNumberText()
        guard let value = Int64(text) else { throw .unexpected("an integer", at: position) }
        return value
    }

    /// A hex quantity (`"0x1a"`) as a non-negative Int64.
    public mutating func readQuantity() throws(JSONError) -> Int64 {
        let raw = try readRawString()
        guard raw.count > 2, raw.count <= 18, raw[0] == UInt8(ascii: "0"), raw[1] == UInt8(ascii: "x") || raw[1] == UInt8(ascii: "X")
        else { throw .unexpected("a hex quantity", at: position) }
        var value: UInt64 = 0
        for index in 2..<raw.count {
            guard let digit = Hex.nibble(raw[index]) else { throw .unexpected("a hex quantity", at: position) }
            value = value << 4 | UInt64(digit)
        }
        guard value <= UInt64(Int64.max) else { throw .unexpected("a quantity below 2^63", at: position) }
        return Int64(value)
    }

    /// `"0x…"` hex data as bytes.
    public mutating func readHexBytes() throws(JSONError) -> [UInt8] {
        let raw = try readRawString()
        guard raw.count >= 2, raw[0] == UInt8(ascii: "0"), raw[1] == UInt8(ascii: "x"),
              let bytes = Hex.decode(utf8: UnsafeBufferPointer(rebasing: raw[2...]))
        else { throw .unexpected("0x-prefixed hex data", at: position) }
        return bytes
    }

    public mutating func readHash() throws(JSONError) -> Hash32 {
        guard let hash = Hash32(bytes: try readHexBytes()) else { throw .unexpected("a 32-byte hash", at: position) }
        return hash
    }

    public mutating func readAddress() throws(JSONError) -> EVMAddress {
        guard let address = EVMAddress(bytes: try readHexBytes()) else { throw .unexpected("a 20-byte address", at: position) }
        return address
    }

    // MARK: Lexing

    private mutating func readNumberText() throws(JSONError) -> String {
        skipWhitespace()
        let start = position
        while position < bytes.count, Self.isNumberByte(bytes[position]) { position += 1 }
        guard position > start else { throw .unexpected("a value", at: position) }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
             UInt8(ascii: "e"), UInt8(ascii: "E"): true
        default: false
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw .unexpectedEnd }
        for index in 0..<count where bytes[position + index] != word.utf8Start[index] {
            throw .unexpected("\(word)", at: position)
        }
        position += count
    }

    private mutating func expect(_ byte: UInt8) throws(JSONError) {
        skipWhitespace()
        guard position < bytes.count else { throw .unexpectedEnd }
        guard bytes[position] == byte else { throw .unexpected("'\(Character(Unicode.Scalar(byte)))'", at: position) }
        position += 1
    }

    private mutating func consumeIf(_ byte: UInt8) throws(JSONError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw .unexpectedEnd }
        guard bytes[position] == byte else { return false }
        position += 1
        return true
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0a, 0x0d, 0x09: position += 1
            default: return
            }
        }
    }
}

public enum JSONKind: Sendable { case object, array, string, bool, null, number }

/// JSON that is not what was expected; says what and where, never echoes the document.
public enum JSONError: Error, Equatable, CustomStringConvertible {
    case unexpectedEnd
    case unexpected(String, at: Int)

    public var description: String {
        switch self {
        case .unexpectedEnd: "the JSON ended early"
        case .unexpected(let what, let offset): "expected \(what) at byte \(offset)"
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `text` (comparing JSON keys without making a String).
    @inline(__always)
    public func equals(_ text: StaticString) -> Bool {
        count == text.utf8CodeUnitCount && elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: count))
    }
}
