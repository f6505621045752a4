import AlfaApp
import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations built into alfa (or MIGRATIONS_DIR), in order, each in a transaction.",
        discussion: "Safe to run from several replicas at once: an advisory lock makes each migration apply exactly once. An applied migration whose file changed is an error."
    )

    @Flag(name: .long, help: "List applied and pending migrations without applying anything.")
    var status = false

    func run() async throws {
        guard try await ServiceCommands.migrate(status: status) else { throw ExitCode.failure }
    }
}
