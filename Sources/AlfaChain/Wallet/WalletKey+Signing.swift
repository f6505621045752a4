import AlfaCore
import CSecp256k1

extension WalletKey {
    /// Signs a 32-byte digest: RFC 6979 nonce, low s (libsecp256k1 only produces low s), and
    /// the recovery id Ethereum needs to name the signer.
    public func sign(digest: Hash32) -> RecoverableSignature {
        var signature = secp256k1_ecdsa_recoverable_signature()
        let message = digest.bytes
        let signed = withSecret { secret in
            secp256k1_ecdsa_sign_recoverable(Secp256k1Context.shared, &signature, message, secret, nil, nil)
        }
        precondition(signed == 1, "libsecp256k1 refused a verified key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recoveryID: Int32 = 0
        secp256k1_ecdsa_recoverable_signature_serialize_compact(Secp256k1Context.shared, &compact, &recoveryID, &signature)
        return RecoverableSignature(r: Array(compact[0..<32]), s: Array(compact[32..<64]), recoveryID: recoveryID)
    }

    /// The address that signed `digest`, recovered from the signature (tests and self-checks).
    public static func recoverSigner(digest: Hash32, signature: RecoverableSignature) -> EVMAddress? {
        var parsed = secp256k1_ecdsa_recoverable_signature()
        let compact = signature.r + signature.s
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(Secp256k1Context.shared, &parsed, compact,
                                                                  signature.recoveryID) == 1 else { return nil }
        var publicKey = secp256k1_pubkey()
        guard secp256k1_ecdsa_recover(Secp256k1Context.shared, &publicKey, &parsed, digest.bytes) == 1 else { return nil }
        var serialized = [UInt8](repeating: 0, count: 65)
        var length = 65
        secp256k1_ec_pubkey_serialize(Secp256k1Context.shared, &serialized, &length, &publicKey, UInt32(SECP256K1_EC_UNCOMPRESSED))
        return EVMAddress(bytes: Array(Keccak256.hash(serialized[1...])[12...]))
    }
}
