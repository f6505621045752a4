import AlfaApp
import AlfaCore
import ArgumentParser
import Foundation

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
        guard EVMAddress(hex: address) != nil else {
            throw ValidationError("\"\(address)\" is not an address (0x followed by 40 hex digits)")
        }
        if let since, let until, since.unixSeconds >= until.unixSeconds {
            throw ValidationError("--since must be before --until")
        }
    }

    func run() async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let result: BacktestResult
        do {
            result = try await BacktestQueries.run(EVMAddress(hex: address)!, since: since?.unixSeconds,
                                                   until: until?.unixSeconds ?? Int64(Date().timeIntervalSince1970),
                                                   copy: settings.copy, pool: database.pool)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        print(json ? try BacktestJSON.encode(result) : TelegramHTML.plainText(result.html(window: result.from == nil ? "all" : "from \(CivilDate.isoTime(unixSeconds: result.start))")))
    }
}
