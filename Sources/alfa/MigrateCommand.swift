import AlfaApp
import ArgumentParser
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations built into alfa (or MIGRATIONS_DIR), in order, each in a transaction.",
        discussion: "Safe to run from several replicas at once: an advisory lock makes each migration apply exactly once. An applied migration whose file changed is an error."
    )

    @Flag(name: .long, help: "List applied and pending migrations without applying anything.")
    var status = false

    func run() async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        do {
            if status {
                for item in try await database.migrationStatus() {
                    let when = item.appliedAt.map { " at \($0.postgresText)" } ?? ""
                    print(String(format: "%04d %@ %@", item.version, item.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0), item.name) + when)
                }
            } else {
                let applied = try await database.migrate()
                for migration in applied { print("applied \(migration.fileName)") }
                print(applied.isEmpty ? "database is up to date" : "\(applied.count) migration(s) applied")
            }
        } catch {
            await database.close()
            Logger(label: "alfa.migrate").error("migration failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        await database.close()
    }
}
