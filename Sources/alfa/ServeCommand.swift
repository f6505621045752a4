import AlfaApp
import ArgumentParser
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service until SIGINT or SIGTERM.",
        discussion: "Reports what is configured and what is missing, checks the database and its migrations, then runs every service with a graceful shutdown."
    )

    @Flag(help: "Also serve the chat on this terminal, as an admin (commands/run does when TELEGRAM_BOT_TOKEN is unset).")
    var console = false

    func run() async throws {
        let settings = try await Startup.settings()
        do {
            try await AlfaServer.run(settings: settings, logger: Logger(label: "alfa.serve"), console: console)
        } catch let failure as ConfigurationLoader.Failure {
            Startup.fail(failure.description)
        }
    }
}
