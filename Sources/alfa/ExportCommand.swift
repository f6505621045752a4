import AlfaApp
import AlfaCore
import ArgumentParser

extension FillExport.Format: ExpressibleByArgument {}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export stored data.",
        subcommands: [Fills.self, Orders.self]
    )

    struct Fills: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export fills as CSV or JSON on stdout: one row per fill, human units, exact decimals."
        )

        @Option(help: "csv or json.")
        var format: FillExport.Format = .csv

        @Option(help: "Only this trader's fills (0x address).")
        var trader: String?

        @Option(name: .customLong("from-block"), help: "Only fills from this block on.")
        var fromBlock: Int64?

        @Option(name: .customLong("to-block"), help: "Only fills up to this block.")
        var toBlock: Int64?

        func validate() throws {
            if let trader, EVMAddress(hex: trader) == nil {
                throw ValidationError("--trader \"\(trader)\" is not an address: expected 0x and 40 hex digits")
            }
        }

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.database(settings)
            do {
                try await FillExporter.write(format: format, trader: trader.flatMap { EVMAddress(hex: $0) },
                                             fromBlock: fromBlock, toBlock: toBlock, pool: database.pool) { print($0, terminator: "") }
            } catch {
                await database.close()
                Startup.fail("\(error)")
            }
            await database.close()
        }
    }

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export copy orders as CSV or JSON on stdout: each linked to the leader fill that caused it, with its fill and PnL."
        )

        @Option(help: "csv or json.")
        var format: FillExport.Format = .csv

        @Option(help: "Only orders created at or after this unix time.")
        var since: Int64?

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.database(settings)
            do {
                print(OrderExport.render(try await CopyQueries.orders(since: since, pool: database.pool), format: format), terminator: "")
            } catch {
                await database.close()
                Startup.fail("\(error)")
            }
            await database.close()
        }
    }
}
