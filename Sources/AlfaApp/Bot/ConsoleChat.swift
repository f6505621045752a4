import AlfaCore
import AlfaSettings
import Foundation
import AlfaStore
import Logging

/// The chat on a terminal: the same router and replies as Telegram, read from stdin and
/// printed as plain text. Buttons are numbered; typing the number presses one.
public enum ConsoleChat {
    /// The console's user ids: 0 is an admin only here, −1 never is (Telegram ids are positive).
    public static let adminUser: Int64 = 0
    public static let plainUser: Int64 = -1

    public static func run(settings: Settings, pool: PostgresPool, asAdmin: Bool, control: (any ExecutionControl)? = nil,
                           readLine: @escaping @Sendable () async -> String?, write: @escaping @Sendable (String) -> Void) async {
        let router = ChatRouter(botUsername: nil, admins: Set(settings.telegram.adminIDs + [adminUser]), pool: pool,
                                leaderboard: settings.leaderboard, copy: settings.copy, execution: settings.execution,
                                maxMarkAge: settings.prices.maxAgeSeconds, watchLimit: settings.telegram.watchMaxPerUser,
                                control: control, logger: Logger(label: "alfa.chat"))
        let user = asAdmin ? adminUser : plainUser
        write("alfa console chat as \(asAdmin ? "admin" : "user"); /help lists the commands, Ctrl-D or /quit leaves.")
        let charts = ChartDelivery(logger: Logger(label: "alfa.chat"))
        func show(_ reply: ChatReply) async -> [ChatReply.Button] {
            write(reply.plainText)
            if let path = await charts.file(for: reply.chart, in: ChartDelivery.consoleDirectory) { write("chart: \(path)") }
            let buttons = reply.buttons
            if !buttons.isEmpty {
                write(buttons.enumerated().map { "  [\($0.offset + 1)] \($0.element.title)" }.joined(separator: "   "))
            }
            return buttons
        }
        var buttons: [ChatReply.Button] = []
        while let line = await readLine() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text == "/quit" || text == "/exit" { break }
            if let number = Int(text), buttons.indices.contains(number - 1) {
                let outcome = await router.press(ChatInput(userID: user, chatID: user, text: buttons[number - 1].data, source: .console))
                buttons = []
                if !outcome.toast.isEmpty { write(outcome.toast) }
                // The console cannot edit what it printed: a new page is printed again; an answered
                // question's closing text adds nothing to the toast and the reply.
                if let reply = outcome.reply {
                    buttons = await show(reply)
                } else if let edit = outcome.edit, edit.plainText != outcome.toast {
                    buttons = await show(edit)
                }
                continue
            }
            for reply in await router.handle(ChatInput(userID: user, chatID: user, text: text, source: .console)) {
                buttons = await show(reply)
            }
        }
    }
}
