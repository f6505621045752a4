/// Which generation of Avantis's event ABI a log came from ("v1", "v1.5", …): a short
/// label kept inline (up to 8 ASCII characters) so a `Fill` copies without the heap.
public struct EventGeneration: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    private let packed: UInt64

    public init?(_ label: String) {
        let bytes = Array(label.utf8)
        guard !bytes.isEmpty, bytes.count <= 8, bytes.allSatisfy({ $0 >= 0x21 && $0 < 0x7f }) else { return nil }
        packed = bytes.reduce(0) { $0 << 8 | UInt64($1) } << (8 * UInt64(8 - bytes.count))
    }

    public init(stringLiteral label: String) {
        guard let generation = EventGeneration(label) else { preconditionFailure("\"\(label)\" is not a generation label") }
        self = generation
    }

    public var description: String {
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: packed >> (56 - 8 * UInt64($0))) }.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
