import AlfaApp
import ArgumentParser

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export stored data as CSV or JSON on stdout, in human units with exact decimals.",
        discussion: "Dates are UTC; --since is inclusive, --until exclusive.",
        subcommands: [Fills.self, Orders.self, Leaderboard.self]
    )

    struct Fills: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export fills: one row per fill.")

        @Option(help: "csv or json.")
        var format: ExportFormat = .csv

        @Option(help: "Only this trader's fills (0x address).")
        var trader: String?

        @Option(name: .customLong("from-block"), help: "Only fills from this block on.")
        var fromBlock: Int64?

        @Option(name: .customLong("to-block"), help: "Only fills up to this block.")
        var toBlock: Int64?

        @Option(help: "Only fills whose block time is at or after this moment (\(Moment.help)).")
        var since: Moment?

        @Option(help: "Only fills whose block time is before this moment (\(Moment.help)).")
        var until: Moment?

        func validate() throws {
            if let trader, !Arguments.isAddress(trader) {
                throw ValidationError("--trader \"\(trader)\" is not an address: expected 0x and 40 hex digits")
            }
        }

        func run() async throws {
            try await ExportCommands.fills(format: format, trader: trader, fromBlock: fromBlock, toBlock: toBlock, since: since,
                                           until: until)
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export copy orders: each linked to the leader fill that caused it, with its fill and PnL."
        )

        @Option(help: "csv or json.")
        var format: ExportFormat = .csv

        @Option(help: "Only orders created at or after this moment (\(Moment.help)).")
        var since: Moment?

        @Option(help: "Only orders created before this moment (\(Moment.help)).")
        var until: Moment?

        func run() async throws {
            try await ExportCommands.orders(format: format, since: since, until: until)
        }
    }

    struct Leaderboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the leaderboard: the stored snapshot, or ranked as of a past moment with --as-of."
        )

        @Option(help: "csv or json.")
        var format: ExportFormat = .csv

        @Option(help: "The window: 7d, 30d or all.")
        var window: LeaderboardWindow = .thirtyDays

        @Option(help: "How many traders (1-1000).")
        var top = 1_000

        @Option(name: .customLong("as-of"), help: "Rank from the fills up to this moment (\(Moment.help)) instead of the stored snapshot.")
        var asOf: Moment?

        func validate() throws {
            guard (1...1_000).contains(top) else { throw ValidationError("--top must be from 1 to 1000, got \(top)") }
        }

        func run() async throws {
            try await ExportCommands.leaderboard(format: format, window: window, top: top, asOf: asOf)
        }
    }
}
