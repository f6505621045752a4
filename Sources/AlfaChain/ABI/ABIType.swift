/// A Solidity ABI type, as event signatures spell it. Static types occupy a fixed number of
/// 32-byte words in an event's data; a dynamic one (`bytes`, `string`, `T[]`, or a tuple that
/// holds one) takes one word there, an offset to its contents.
public indirect enum ABIType: Sendable, Equatable {
    case uint(bits: Int)
    case int(bits: Int)
    case bool
    case address
    case fixedBytes(Int)
    case tuple([ABIField])
    case fixedArray(ABIType, Int)
    /// `bytes`, `string`, `T[]`: kept by canonical name, never decoded.
    case dynamic(String)

    public static let uint256 = ABIType.uint(bits: 256)
    public static let uint8 = ABIType.uint(bits: 8)
    public static let int256 = ABIType.int(bits: 256)

    /// The canonical spelling used in event signatures.
    public var canonicalName: String {
        switch self {
        case .uint(let bits): "uint\(bits)"
        case .int(let bits): "int\(bits)"
        case .bool: "bool"
        case .address: "address"
        case .fixedBytes(let count): "bytes\(count)"
        case .tuple(let fields): "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")"
        case .fixedArray(let element, let count): "\(element.canonicalName)[\(count)]"
        case .dynamic(let name): name
        }
    }

    public var isDynamic: Bool {
        switch self {
        case .dynamic: true
        case .tuple(let fields): fields.contains { $0.type.isDynamic }
        case .fixedArray(let element, _): element.isDynamic
        default: false
        }
    }

    /// The field's words in the head of the data, with dotted paths (`t.trader`, `a[1]`).
    /// A dynamic field is one word: its offset.
    func flattened(prefix: String) -> [(path: String, type: ABIType)] {
        if isDynamic { return [(prefix, .dynamic(canonicalName))] }
        switch self {
        case .tuple(let fields):
            return fields.flatMap { $0.type.flattened(prefix: prefix.isEmpty ? $0.name : prefix + "." + $0.name) }
        case .fixedArray(let element, let count):
            return (0..<count).flatMap { element.flattened(prefix: "\(prefix)[\($0)]") }
        default:
            return [(prefix, self)]
        }
    }

    /// Parses an ABI JSON `type` (`uint256`, `tuple[]`, `bytes32[3]`); `components` are a tuple's fields.
    public static func parse(_ text: String, components: [ABIField] = []) -> ABIType? {
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            guard let element = parse(String(text[..<open]), components: components) else { return nil }
            let count = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if count.isEmpty { return .dynamic(element.canonicalName + "[]") }
            guard let n = Int(count), n > 0 else { return nil }
            return element.isDynamic ? .dynamic("\(element.canonicalName)[\(n)]") : .fixedArray(element, n)
        }
        switch text {
        case "tuple": return components.isEmpty ? nil : .tuple(components)
        case "bool": return .bool
        case "address": return .address
        case "uint": return .uint256
        case "int": return .int256
        case "bytes", "string": return .dynamic(text)
        case "function": return .fixedBytes(24)
        default: break
        }
        func bits(after prefix: String) -> Int? {
            guard text.hasPrefix(prefix), let n = Int(text.dropFirst(prefix.count)), n % 8 == 0, (8...256).contains(n) else { return nil }
            return n
        }
        if let n = bits(after: "uint") { return .uint(bits: n) }
        if let n = bits(after: "int") { return .int(bits: n) }
        if text.hasPrefix("bytes"), let n = Int(text.dropFirst(5)), (1...32).contains(n) { return .fixedBytes(n) }
        return nil
    }
}

/// A named event parameter; `indexed` ones travel in topics, not data.
public struct ABIField: Sendable, Equatable {
    public var name: String
    public var type: ABIType
    public var indexed: Bool

    public init(_ name: String, _ type: ABIType, indexed: Bool = false) {
        self.name = name
        self.type = type
        self.indexed = indexed
    }
}
