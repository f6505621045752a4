import AlfaApp
import AlfaCore
import AlfaSystem
import ArgumentParser
import Foundation

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
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        do {
            try await database.requireCurrentMigrations()
        } catch {
            await database.close()
            Startup.fail("\(error)")
        }
        // The admin commands act on the stored state: a running alfa serve obeys them within a second.
        let execution: ExecutionServices
        do {
            execution = try await ExecutionServices.start(settings: settings, pool: database.pool,
                                                          databaseURL: settings.database.url!.value, verifyLive: false)
        } catch {
            await database.close()
            Startup.fail("\(error)")
        }
        let output = ConsoleOutput()
        execution.routeAlerts(toConsole: output.write)
        // stdin is read on a thread of its own: reading blocks.
        let stdin = BlockingWorker(name: "alfa-stdin")
        let input = LineReader()
        await ConsoleChat.run(settings: settings, pool: database.pool, asAdmin: role == .asAdmin, control: execution.control,
                              readLine: { (try? await stdin.run { input.nextLine() }) ?? nil },
                              write: output.write)
        stdin.shutdown()
        await output.flush()
        await database.close()
    }
}
