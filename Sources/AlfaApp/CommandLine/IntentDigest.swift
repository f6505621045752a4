import AlfaChain
import AlfaCore
import AlfaSystem
import Foundation

/// `alfa intent digest`: an intent's EIP-712 struct hash, digest and userIntent, to compare
/// with what the relayer or the SDK computes.
public enum IntentDigest {
    /// Prints the hashes of the message in the JSON file at `messagePath` (a bare message, or a
    /// vector `{"kind", "message"}`); the domain defaults to CHAIN_ID and AVANTIS_TRADING.
    public static func print(kind: String, messagePath path: String, chainID: UInt64?, verifyingContract: String?) async throws {
        let settings = try await Startup.settings()
        // A file read blocks: not on the cooperative pool.
        let data = try await BlockingWorker.once("alfa-intent") { FileManager.default.contents(atPath: path) }
        guard let data else { Startup.fail("--message \(path) cannot be read") }
        struct Vector: Decodable { let message: TypedValue }
        let value: TypedValue
        do {
            if let vector = try? JSONDecoder().decode(Vector.self, from: data) {
                value = vector.message
            } else {
                value = try JSONDecoder().decode(TypedValue.self, from: data)
            }
        } catch {
            Startup.fail("--message \(path) is not a JSON message (\(error))")
        }
        let chainID = chainID ?? UInt64(settings.chain.chainID)
        let contract = verifyingContract.flatMap { EVMAddress(hex: $0) } ?? settings.chain.trading
        let separator = AvantisIntent.domainSeparator(chainID: chainID, tradingRouter: contract)
        do {
            let hashed = try AvantisIntent.hash(kind: kind, message: value, domainSeparator: separator)
            let encoded = try AvantisIntent.userIntent(kind: kind, message: value)
            Swift.print("domain      AvantisTrading 1, chain \(chainID), \(contract)")
            Swift.print("separator   \(separator)")
            Swift.print("structHash  \(hashed.structHash)")
            Swift.print("digest      \(hashed.digest)")
            Swift.print("userIntent  0x\(Hex.encode(encoded))")
        } catch {
            Startup.fail("--message \(path): \(error)")
        }
    }
}
