import AlfaApp
import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure alfa's speed against its targets.",
        subcommands: [StorageBench.self]
    )

    struct StorageBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "storage",
            abstract: "Bulk-insert realistic fills through the storage layer and compare with psql \\copy.",
            discussion: "Works in a scratch schema of DATABASE_URL's database, dropped afterwards."
        )

        @Option(help: "Fill rows to insert.")
        var rows = 200_000

        func run() async throws {
            let settings = try await Startup.settings()
            guard let url = settings.database.url else { Startup.fail("DATABASE_URL is not set: the benchmark needs a database") }
            let database = try Database(settings: settings)
            await database.close()
            let report = try await StorageBenchmark.run(databaseURL: url.value, migrations: database.migrator.migrations, rows: rows)
            print(report.text)
        }
    }
}
