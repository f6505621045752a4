import AlfaApp
import ArgumentParser

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the sanity checks: configuration, database reachable, migrations current.",
        discussion: "Exits 0 when every check passes, 1 with the list of failures otherwise."
    )

    func run() async throws {
        guard try await ServiceCommands.check() else { throw ExitCode.failure }
    }
}
