import AlfaApp
import ArgumentParser

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Drive the local chain (commands/lib/evm/chain.py) with simulated traders.",
        discussion: """
            A few hundred traders of different skills (SIM_TRADERS, SIM_SEED) trade several pairs: market and limit \
            opens, partial closes, TP/SL and liquidations. A new chain first gets SIM_HISTORY_HOURS of history, then \
            the market follows the clock at SIM_SPEED. Only the local chain in RPC_URLS accepts it. commands/run \
            starts it for you.
            """
    )

    @Option(help: "File the market's state is kept in, so a second run resumes it.")
    var state: String?

    @Flag(help: "Write the history, then stop instead of following the clock.")
    var historyOnly = false

    func run() async throws {
        try await ServiceCommands.simulate(statePath: state, historyOnly: historyOnly)
    }
}
