import AlfaApp
import ArgumentParser

struct AbiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abi",
        abstract: "Inspect the Avantis event catalogue, and decode what it newly knows.",
        subcommands: [Inspect.self, Redecode.self]
    )

    struct Redecode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode the stored raw logs the catalogue now knows (AVANTIS_ABI_DIR) into fills, with no RPC traffic.",
            discussion: "One transaction per block range; positions are rebuilt and the leaderboard recomputes in chain order at its next refresh. Running it twice changes nothing."
        )

        @Option(help: "Blocks per database transaction.")
        var rangeBlocks: Int64 = 10_000

        func validate() throws {
            guard (1...10_000_000).contains(rangeBlocks) else {
                throw ValidationError("--range-blocks must be from 1 to 10000000, got \(rangeBlocks)")
            }
        }

        func run() async throws {
            try await AbiCommands.redecode(rangeBlocks: rangeBlocks)
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every known event: signature, topic0 and field → column mapping.",
            discussion: "--verify decodes the logs of recent blocks from RPC_URLS and reports generations seen, unknown topic0s and decode failures (exit 1 if any)."
        )

        @Flag(help: "Decode a sample of recent logs from the RPC.")
        var verify = false

        @Option(help: "How many recent blocks --verify reads.")
        var blocks: Int64 = 2_000

        func validate() throws {
            guard (1...1_000_000).contains(blocks) else { throw ValidationError("--blocks must be from 1 to 1000000, got \(blocks)") }
        }

        func run() async throws {
            guard try await AbiCommands.inspect(verify: verify, blocks: blocks) else { throw ExitCode.failure }
        }
    }
}
