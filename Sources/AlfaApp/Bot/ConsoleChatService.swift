import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaSystem
import Foundation
import ServiceLifecycle

/// `alfa serve --console`: the chat on the terminal that started the service, as an admin —
/// whoever holds the terminal holds the machine. It replaces Telegram when no bot token is set.
struct ConsoleChatService: Service {
    let settings: Settings
    let pool: PostgresPool
    let control: any ExecutionControl
    let write: @Sendable (String) -> Void

    func run() async throws {
        let input = LineReader()
        let worker = BlockingWorker(name: "alfa-console")
        defer { worker.shutdown() }
        await withGracefulShutdownHandler {
            await ConsoleChat.run(settings: settings, pool: pool, asAdmin: true, control: control,
                                  readLine: { (try? await worker.run { input.nextLine() }) ?? nil }, write: write)
        } onGracefulShutdown: {
            input.stop()
        }
        guard !Task.isShuttingDownGracefully else { return }
        // The end of input (Ctrl-D) closes the console, not the service.
        write("console closed; alfa serve keeps running until Ctrl-C or SIGTERM")
        try? await gracefulShutdown()
    }
}
