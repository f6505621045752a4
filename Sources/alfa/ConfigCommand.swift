import AlfaApp
import AlfaCore
import ArgumentParser

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration, every secret shown as ***.",
        discussion: "Values come from the environment first, then .env, then the defaults. --template prints env.production.template."
    )

    @Flag(name: .long, help: "Print the settings template (every setting, its comment and default) instead.")
    var template = false

    func run() async throws {
        if template {
            print(SettingsCatalog.renderTemplate(), terminator: "")
            return
        }
        print(try await Startup.load().report)
    }
}
