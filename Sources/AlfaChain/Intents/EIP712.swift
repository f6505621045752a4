import AlfaCore

/// EIP-712 typed-data hashing, for the struct types Avantis signs: atomic fields (address,
/// uintN, intN, bool, bytesN), `string`/`bytes` (hashed), and nested structs (hashed).
public enum EIP712 {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let type: String

        public init(_ name: String, _ type: String) {
            self.name = name
            self.type = type
        }
    }

    /// Struct name → its fields, in signing order.
    public typealias Types = [String: [Field]]

    /// A message that does not fit its types; names the field.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// `Primary(type name,…)` followed by every struct it references, sorted by name.
    public static func encodeType(_ primary: String, _ types: Types) -> String {
        var referenced: Set<String> = []
        func collect(_ name: String) {
            for field in types[name] ?? [] where types[field.type] != nil && field.type != primary {
                if referenced.insert(field.type).inserted { collect(field.type) }
            }
        }
        collect(primary)
        return ([primary] + referenced.sorted()).map { name in
            name + "(" + (types[name] ?? []).map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    public static func typeHash(_ primary: String, _ types: Types) -> [UInt8] {
        Keccak256.hash(encodeType(primary, types).utf8)
    }

    /// keccak(typeHash ‖ each field encoded to one word).
    public static func hashStruct(_ primary: String, _ value: TypedValue, _ types: Types, path: String = "") throws(Failure) -> Hash32 {
        guard case .object(let members) = value, let fields = types[primary] else {
            throw Failure(description: "\(path.isEmpty ? primary : path) is not a \(primary) object")
        }
        var encoded = typeHash(primary, types)
        for field in fields {
            let here = path.isEmpty ? field.name : path + "." + field.name
            guard let member = members[field.name] else { throw Failure(description: "\(here) is missing") }
            encoded += try word(member, type: field.type, types, path: here)
        }
        return Hash32(bytes: Keccak256.hash(encoded))!
    }

    /// One field as EIP-712 encodes it for hashing.
    static func word(_ value: TypedValue, type: String, _ types: Types, path: String) throws(Failure) -> [UInt8] {
        if types[type] != nil { return try hashStruct(type, value, types, path: path).bytes }
        switch type {
        case "string":
            guard case .string(let text) = value else { throw Failure(description: "\(path) is not a string") }
            return Keccak256.hash(text.utf8)
        case "bytes":
            guard let text = value.text, text.hasPrefix("0x"), let bytes = Hex.decode(text.dropFirst(2)) else {
                throw Failure(description: "\(path) is not 0x-prefixed hex bytes")
            }
            return Keccak256.hash(bytes)
        default:
            return try ABIWord.encode(value, type: type, path: path)
        }
    }

    /// The separator of `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`.
    public static func domainSeparator(name: String, version: String, chainID: UInt64, verifyingContract: EVMAddress) -> Hash32 {
        let type = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
        let encoded = Keccak256.hash(type.utf8) + Keccak256.hash(name.utf8) + Keccak256.hash(version.utf8)
            + Word256.of(chainID) + [UInt8](repeating: 0, count: 12) + verifyingContract.bytes
        return Hash32(bytes: Keccak256.hash(encoded))!
    }

    /// What is signed: keccak(0x19 0x01 ‖ domain separator ‖ struct hash).
    public static func digest(domainSeparator: Hash32, structHash: Hash32) -> Hash32 {
        Hash32(bytes: Keccak256.hash([0x19, 0x01] + domainSeparator.bytes + structHash.bytes))!
    }
}

/// Atomic values as one 32-byte ABI word.
enum ABIWord {
    static func encode(_ value: TypedValue, type: String, path: String) throws(EIP712.Failure) -> [UInt8] {
        func bits(_ prefix: String) -> Int? {
            guard type.hasPrefix(prefix) else { return nil }
            let rest = type.dropFirst(prefix.count)
            if rest.isEmpty { return 256 }
            guard let n = Int(rest), n % 8 == 0, (8...256).contains(n) else { return nil }
            return n
        }
        switch type {
        case "bool":
            guard case .bool(let flag) = value else { throw EIP712.Failure(description: "\(path) is not true or false") }
            return Word256.of(flag ? 1 : 0)
        case "address":
            guard let text = value.text, let address = EVMAddress(hex: text) else {
                throw EIP712.Failure(description: "\(path) is not an address")
            }
            return [UInt8](repeating: 0, count: 12) + address.bytes
        default:
            break
        }
        if let n = bits("uint") {
            guard let text = value.text, let word = Word256.unsigned(text, bits: n) else {
                throw EIP712.Failure(description: "\(path) is not a uint\(n) (a decimal or 0x string)")
            }
            return word
        }
        if let n = bits("int") {
            guard let text = value.text, let word = Word256.signed(text, bits: n) else {
                throw EIP712.Failure(description: "\(path) is not an int\(n)")
            }
            return word
        }
        if type.hasPrefix("bytes"), let n = Int(type.dropFirst(5)), (1...32).contains(n) {
            guard let text = value.text, text.hasPrefix("0x"), let bytes = Hex.decode(text.dropFirst(2)), bytes.count == n else {
                throw EIP712.Failure(description: "\(path) is not \(n) bytes of 0x hex")
            }
            return bytes + [UInt8](repeating: 0, count: 32 - n)
        }
        throw EIP712.Failure(description: "\(path) has the unsupported type \(type)")
    }
}
