import AlfaCore
import CSecp256k1
import Foundation

/// A secp256k1 private key and the address it controls. The key's bytes never appear
/// in a description or an error.
public struct WalletKey: Sendable, CustomStringConvertible {
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case notHex
        case outOfRange

        public var description: String {
            switch self {
            case .notHex: "the private key is not 32 bytes of hex (64 hex digits, 0x optional)"
            case .outOfRange: "the private key is not a valid secp256k1 key (zero or above the curve order)"
            }
        }
    }

    private let secret: [UInt8]
    public let address: EVMAddress

    public init(hex: String) throws(Problem) {
        var text = Substring(hex.trimmingCharacters(in: .whitespacesAndNewlines))
        if text.hasPrefix("0x") || text.hasPrefix("0X") { text = text.dropFirst(2) }
        guard let bytes = Hex.decode(text), bytes.count == 32 else { throw .notHex }
        let context = Secp256k1Context.shared
        guard secp256k1_ec_seckey_verify(context, bytes) == 1 else { throw .outOfRange }
        var publicKey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(context, &publicKey, bytes) == 1 else { throw .outOfRange }
        var serialized = [UInt8](repeating: 0, count: 65)
        var length = 65
        secp256k1_ec_pubkey_serialize(context, &serialized, &length, &publicKey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        // The address is the last 20 bytes of keccak256(x ‖ y), without the 0x04 prefix.
        let digest = Keccak256.hash(serialized[1...])
        secret = bytes
        address = EVMAddress(bytes: Array(digest[12...]))!
    }

    public var description: String { "WalletKey(\(address))" }

    /// The key's bytes, lent to libsecp256k1 and to nothing else.
    func withSecret<R>(_ body: ([UInt8]) -> R) -> R { body(secret) }
}

/// libsecp256k1's context, created once; it is safe to share for signing and verifying.
enum Secp256k1Context {
    nonisolated(unsafe) static let shared: OpaquePointer = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
}
