import AlfaApp
import ArgumentParser

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "What copying one trader would have done with today's copy settings (and its /copy set overrides).",
        discussion: "Replays the trader's fills through the copy planner with the DRY fill model: slippage, fees, our stop-loss and take-profit against the pair's minute bars."
    )

    @Argument(help: "The trader's address, 0x followed by 40 hex digits.")
    var address: String

    @Option(help: "Start of the replay (\(Moment.help); default: the trader's first fill).")
    var since: Moment?

    @Option(help: "End of the replay (\(Moment.help); default: now).")
    var until: Moment?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard Arguments.isAddress(address) else {
            throw ValidationError("\"\(address)\" is not an address (0x followed by 40 hex digits)")
        }
        if let since, let until, since.unixSeconds >= until.unixSeconds {
            throw ValidationError("--since must be before --until")
        }
    }

    func run() async throws {
        print(try await LeaderboardCommands.backtest(address, since: since, until: until, json: json))
    }
}
