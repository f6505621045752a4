import AlfaApp
import ArgumentParser

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration, every secret shown as ***.",
        discussion: "Values come from the environment first, then .env, then the defaults. --template prints env.production.template."
    )

    @Flag(name: .long, help: "Print the settings template (every setting, its comment and default) instead.")
    var template = false

    @Flag(name: .long, help: "Print docs/configuration.md (every setting, its default, what it changes, secrets marked) instead.")
    var markdown = false

    func run() async throws {
        if template || markdown {
            print(ServiceCommands.configurationTemplate(markdown: !template), terminator: "")
            return
        }
        print(try await ServiceCommands.configuration())
    }
}
