import AlfaApp
import ArgumentParser
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service until SIGINT or SIGTERM.",
        discussion: "Reports what is configured and what is missing, checks the database and its migrations, then runs every service with a graceful shutdown."
    )

    func run() async throws {
        let settings = try await Startup.settings()
        do {
            try await AlfaServer.run(settings: settings, logger: Logger(label: "alfa.serve"))
        } catch let failure as ConfigurationLoader.Failure {
            Startup.fail(failure.description)
        }
    }
}
