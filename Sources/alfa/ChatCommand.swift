import AlfaApp
import ArgumentParser

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk to the bot on the terminal: the same commands and replies as in Telegram.",
        discussion: "Reads commands from stdin (e.g. /alfa top50, /status) and prints the replies. Admin commands are audited as the console user."
    )

    enum Role: String, EnumerableFlag {
        case asAdmin, asUser

        static func help(for value: Role) -> ArgumentHelp? {
            value == .asAdmin ? "Chat as an admin (admin commands allowed)." : "Chat as an ordinary user (the default)."
        }
    }

    @Flag var role: Role = .asUser

    func run() async throws {
        try await ServiceCommands.chat(asAdmin: role == .asAdmin)
    }
}
