import AlfaApp
import ArgumentParser

struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Run the chain indexer alone: backfill, then follow the head.",
        discussion: """
            Starts at the stored checkpoint; without one, at --from-block, INDEXER_START_BLOCK, or the head minus \
            INDEXER_BACKFILL_RANGE. With --to-block it indexes through that block and exits 0. Ctrl-C stops it; \
            a restart resumes from the checkpoint, losing and duplicating nothing.
            """
    )

    @Option(name: .customLong("from-block"), help: "First block to index when no checkpoint exists yet.")
    var fromBlock: Int64?

    @Option(name: .customLong("to-block"), help: "Index through this block, then exit.")
    var toBlock: Int64?

    func validate() throws {
        if let fromBlock, fromBlock < 0 { throw ValidationError("--from-block must be 0 or more, got \(fromBlock)") }
        if let toBlock, let fromBlock, toBlock < fromBlock {
            throw ValidationError("--to-block \(toBlock) is before --from-block \(fromBlock)")
        }
    }

    func run() async throws {
        try await ServiceCommands.index(fromBlock: fromBlock, toBlock: toBlock)
    }
}
