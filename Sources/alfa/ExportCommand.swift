import AlfaApp
import AlfaCore
import AlfaStore
import ArgumentParser

extension FillExport.Format: ExpressibleByArgument {}

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
        var format: FillExport.Format = .csv

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
            if let trader, EVMAddress(hex: trader) == nil {
                throw ValidationError("--trader \"\(trader)\" is not an address: expected 0x and 40 hex digits")
            }
        }

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.database(settings)
            let filter = FillRepository.Filter(trader: trader.flatMap { EVMAddress(hex: $0) }, fromBlock: fromBlock, toBlock: toBlock,
                                               since: since?.unixSeconds, until: until?.unixSeconds)
            await Startup.closing(database) {
                try await FillExporter.write(format: format, filter, pool: database.pool) { print($0, terminator: "") }
            }
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export copy orders: each linked to the leader fill that caused it, with its fill and PnL."
        )

        @Option(help: "csv or json.")
        var format: FillExport.Format = .csv

        @Option(help: "Only orders created at or after this moment (\(Moment.help)).")
        var since: Moment?

        @Option(help: "Only orders created before this moment (\(Moment.help)).")
        var until: Moment?

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.database(settings)
            let orders = await Startup.closing(database) {
                try await CopyQueries.orders(since: since?.unixSeconds, until: until?.unixSeconds, pool: database.pool)
            }
            print(OrderExport.render(orders, format: format), terminator: "")
        }
    }

    struct Leaderboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the leaderboard: the stored snapshot, or ranked as of a past moment with --as-of."
        )

        @Option(help: "csv or json.")
        var format: FillExport.Format = .csv

        @Option(help: "The window: 7d, 30d or all.")
        var window: TimeWindow = .thirtyDays

        @Option(help: "How many traders (1-1000).")
        var top = 1_000

        @Option(name: .customLong("as-of"), help: "Rank from the fills up to this moment (\(Moment.help)) instead of the stored snapshot.")
        var asOf: Moment?

        func validate() throws {
            guard (1...1_000).contains(top) else { throw ValidationError("--top must be from 1 to 1000, got \(top)") }
        }

        func run() async throws {
            let (rows, time, eligible) = try await Startup.leaderboard(top: top, window: window, asOf: asOf, refresh: false)
            switch format {
            case .csv: print(LeaderboardJSON.csv(rows), terminator: "")
            case .json: print(try LeaderboardJSON.board(rows, window: window, asOf: time, eligible: eligible))
            }
        }
    }
}
