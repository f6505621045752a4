import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// What every subcommand does first: read and validate the settings, warn about variables
/// nothing reads, start logging. A bad setting ends the program with exit code 2 and one line.
public enum Startup {
    public static func settings() async throws -> Settings {
        try await load().settings
    }

    public static func load() async throws -> ConfigurationLoader.Loaded {
        let loaded: ConfigurationLoader.Loaded
        do {
            loaded = try await ConfigurationLoader.load()
        } catch {
            fail(error.description)
        }
        LogSetup.bootstrap(loaded.settings.logging)
        let logger = Logger(label: "alfa.config")
        for warning in loaded.warnings { logger.warning("\(warning)") }
        return loaded
    }

    /// The database of the settings, or exit 2 with what is missing.
    public static func database(_ settings: Settings) async throws -> Database {
        do {
            return try await Database(settings.database)
        } catch {
            fail("\(error)")
        }
    }

    /// DATABASE_URL and the migrations, for the benchmarks (they work in a scratch schema).
    public static func benchmarkDatabase(_ settings: Settings) async throws -> (url: String, migrations: [Migration]) {
        guard let url = settings.database.url else { fail("DATABASE_URL is not set: the benchmark needs a database") }
        let database = try await self.database(settings)
        await database.close()
        return (url.value, database.migrator.migrations)
    }

    /// The leaderboard `alfa leaderboard` and `alfa export leaderboard` print; exit 2 when none is stored yet.
    public static func leaderboard(top: Int, window: TimeWindow, asOf: Moment?, refresh: Bool) async throws
        -> (rows: [LeaderboardRow], asOf: Int64, eligible: Int) {
        let settings = try await self.settings()
        let database = try await self.database(settings)
        let board = await closing(database) {
            try await LeaderboardQueries.board(top: top, window: window, asOf: asOf?.unixSeconds, refresh: refresh,
                                               gates: EligibilityGates(settings.leaderboard), pool: database.pool)
        }
        guard let board else { fail(LeaderboardQueries.noBoardYet) }
        return board
    }

    /// Runs `body` and closes the database whatever happened; an error ends the command with its message.
    public static func closing<T>(_ database: Database, _ body: () async throws -> T) async -> T {
        do {
            let value = try await body()
            await database.close()
            return value
        } catch {
            await database.close()
            fail("\(error)")
        }
    }

    /// Prints `alfa: reason` on stderr and exits with the configuration-error code 2.
    public static func fail(_ reason: String) -> Never {
        FileHandle.standardError.write(Data("alfa: \(reason)\n".utf8))
        Foundation.exit(2)
    }
}
