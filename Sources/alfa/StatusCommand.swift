import AlfaApp
import ArgumentParser

/// What `/status` and `/copy pnl` show, on the terminal; `--json` is `GET /api/v1/status` and
/// `GET /api/v1/copy/pnl`, from the same definitions.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The service's status as /status shows it: mode and stop, indexer, leaderboard, breakers, database.",
        discussion: "Reads the stored state; alfa serve need not run. --json prints what GET /api/v1/status answers."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        print(try await ServiceCommands.status(json: json))
    }
}

struct PnLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pnl",
        abstract: "The copy account as /copy pnl shows it: realized PnL net of fees, open positions at their marks.",
        discussion: "--json prints what GET /api/v1/copy/pnl answers."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        print(try await ServiceCommands.pnl(json: json))
    }
}
