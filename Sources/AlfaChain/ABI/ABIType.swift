/// The static ABI types Avantis events use. Every one is a single 32-byte word, or a
/// tuple of them, so an event's data is a flat array of words.
public indirect enum ABIType: Sendable, Equatable {
    case uint256
    case uint8
    case int256
    case bool
    case address
    case tuple([ABIField])

    /// The canonical spelling used in event signatures.
    public var canonicalName: String {
        switch self {
        case .uint256: "uint256"
        case .uint8: "uint8"
        case .int256: "int256"
        case .bool: "bool"
        case .address: "address"
        case .tuple(let fields): "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")"
        }
    }

    /// The field's words, flattened, with dotted paths (`t.trader`).
    func flattened(prefix: String) -> [(path: String, type: ABIType)] {
        guard case .tuple(let fields) = self else { return [(prefix, self)] }
        return fields.flatMap { $0.type.flattened(prefix: prefix.isEmpty ? $0.name : prefix + "." + $0.name) }
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
