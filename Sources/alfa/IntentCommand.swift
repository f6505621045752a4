import AlfaApp
import ArgumentParser

struct IntentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intent",
        abstract: "Avantis v2 signed intents.",
        subcommands: [Digest.self]
    )

    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an intent's EIP-712 struct hash and digest, and its userIntent (abi.encode of the message).",
            discussion: "To debug a refused order: compare with what the relayer or the SDK computes. The message is JSON shaped as in the SDK's tests/vectors/vectors.json (large integers as strings); a whole vector ({\"kind\", \"message\"}) is taken too. Kinds: \(Arguments.intentKinds.joined(separator: ", "))."
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
            guard Arguments.isIntentKind(kind) else {
                throw ValidationError("--kind \(kind) is not an intent kind: \(Arguments.intentKinds.joined(separator: ", "))")
            }
            if let verifyingContract, !Arguments.isAddress(verifyingContract) {
                throw ValidationError("--verifying-contract \"\(verifyingContract)\" is not an address (0x and 40 hex digits)")
            }
        }

        func run() async throws {
            try await IntentDigest.print(kind: kind, messagePath: message, chainID: chainId, verifyingContract: verifyingContract)
        }
    }
}
