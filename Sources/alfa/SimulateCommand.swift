import AlfaApp
import AlfaChain
import ArgumentParser
import Logging
import ServiceLifecycle

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
        let settings = try await Startup.settings()
        guard !settings.chain.rpcURLs.isEmpty else { Startup.fail("RPC_URLS is unset: point it at the local chain (commands/run does)") }
        let rpc = JSONRPCClient(urls: settings.chain.rpcURLs, expectedChainID: settings.chain.chainID,
                                timeoutSeconds: Double(settings.chain.rpcTimeoutSeconds))
        let logger = Logger(label: "alfa.simulate")
        let runner = MarketSimulatorRunner(settings: settings.simulator, rpc: rpc, statePath: state, historyOnly: historyOnly, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            Startup.fail("the market simulator stopped: \(error)")
        }
    }
}
