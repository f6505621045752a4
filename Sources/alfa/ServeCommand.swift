import AlfaApp
import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service until SIGINT or SIGTERM.",
        discussion: "Reports what is configured and what is missing, checks the database and its migrations, then runs every service with a graceful shutdown."
    )

    @Flag(help: "Also serve the chat on this terminal, as an admin (commands/run does when TELEGRAM_BOT_TOKEN is unset).")
    var console = false

    func run() async throws {
        try await ServiceCommands.serve(console: console)
    }
}
