import AlfaApp
import ArgumentParser

struct DbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Database maintenance.",
        subcommands: [Optimize.self]
    )

    struct Optimize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive old raw logs, refresh statistics, and report table and index sizes with advice.",
            discussion: """
                Raw logs (unknown or malformed events) stored more than RAW_LOG_RETENTION_DAYS ago are written to \
                JSON-lines files in RAW_LOG_ARCHIVE_DIR, then deleted; fills are never touched. Then ANALYZE, the size \
                of every table, and advice on unused indexes, missing indexes and bloat. Safe to run while alfa serve runs.
                """
        )

        func run() async throws {
            try await ServiceCommands.optimizeDatabase()
        }
    }
}
