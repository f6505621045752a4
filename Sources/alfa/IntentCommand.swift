import AlfaChain
import AlfaCore
import AlfaSystem
import ArgumentParser
import Foundation

struct IntentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intent",
        abstract: "Avantis v2 signed intents.",
        subcommands: [Digest.self]
    )

    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an intent's EIP-712 struct hash and digest, and its userIntent (abi.encode of the message).",
            discussion: "To debug a refused order: compare with what the relayer or the SDK computes. The message is JSON shaped as in the SDK's tests/vectors/vectors.json (large integers as strings); a whole vector ({\"kind\", \"message\"}) is taken too. Kinds: \(AvantisIntent.kinds.joined(separator: ", "))."
        )

        @Option(help: "The intent kind, for example OpenTradeReq or CloseTradeReq.")
        var kind: String

        @Option(help: "A JSON file holding the message.")
        var message: String

        @Option(help: "The domain's chain id (default: CHAIN_ID).")
        var chainId: UInt64?

        @Option(help: "The domain's verifying contract, the TradingRouter (default: AVANTIS_TRADING).")
        var verifyingContract: String?

        func validate() throws {
            guard AvantisIntent.types[kind] != nil else {
                throw ValidationError("--kind \(kind) is not an intent kind: \(AvantisIntent.kinds.joined(separator: ", "))")
            }
            if let verifyingContract, EVMAddress(hex: verifyingContract) == nil {
                throw ValidationError("--verifying-contract \"\(verifyingContract)\" is not an address (0x and 40 hex digits)")
            }
        }

        func run() async throws {
            let settings = try await Startup.settings()
            let path = message
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
            let chainID = chainId ?? UInt64(settings.chain.chainID)
            let contract = verifyingContract.flatMap { EVMAddress(hex: $0) } ?? settings.chain.trading
            let separator = AvantisIntent.domainSeparator(chainID: chainID, tradingRouter: contract)
            do {
                let hashed = try AvantisIntent.hash(kind: kind, message: value, domainSeparator: separator)
                let encoded = try AvantisIntent.userIntent(kind: kind, message: value)
                print("domain      AvantisTrading 1, chain \(chainID), \(contract)")
                print("separator   \(separator)")
                print("structHash  \(hashed.structHash)")
                print("digest      \(hashed.digest)")
                print("userIntent  0x\(Hex.encode(encoded))")
            } catch {
                Startup.fail("--message \(path): \(error)")
            }
        }
    }
}
