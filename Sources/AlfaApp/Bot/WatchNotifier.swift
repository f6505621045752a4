import AlfaCore
import AlfaStore
import AlfaTelegram
import Logging
import ServiceLifecycle

/// Pushes each fill of a watched trader to the chats watching it (`/watch`). Every replica
/// runs it: the fills are claimed under a row lock on `watch_cursor`, and the pushes are queued
/// in the alert outbox in the same transaction, so each fill is pushed once, paced by the
/// outbound queue of the replica that polls Telegram. Without a bot, pushes go to the console
/// when there is one.
struct WatchNotifier: Service {
    let pool: PostgresPool
    let hasBot: Bool
    let console: (@Sendable (String) -> Void)?
    let intervalSeconds: Int64
    let logger: Logger
    var clock: ServiceClock = .continuous

    /// Fills looked at per transaction.
    static let batch = 5_000

    func run() async throws {
        try await runPeriodically(every: intervalSeconds, on: clock) {
            do {
                while try await flush() == Self.batch {}
            } catch {
                logger.warning("watch pushes failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Pushes what arrived since the cursor; returns the fills looked at.
    @discardableResult
    func flush() async throws -> Int {
        let hasBot = self.hasBot
        let (looked, pushes) = try await pool.transaction { connection -> (Int, [(chat: Int64, html: String)]) in
            let repository = WatchRepository()
            let page = try repository.watchedFills(after: try repository.lockCursor(on: connection), limit: Self.batch, on: connection)
            guard page.looked > 0 else { return (0, []) }
            let pushes = page.fills.flatMap { fill, chats in chats.map { (chat: $0, html: WatchReplies.push(fill)) } }
            if hasBot {
                for push in pushes { try TelegramRepository().addAlert(chat: push.chat, text: push.html, on: connection) }
            }
            try repository.advanceCursor(to: page.through, on: connection)
            return (page.looked, pushes)
        }
        guard !pushes.isEmpty else { return looked }
        if hasBot {
            logger.info("watch pushes queued", metadata: ["pushes": "\(pushes.count)"])
        } else if let console {
            pushes.forEach { console(TelegramHTML.plainText($0.html)) }
        }
        return looked
    }
}
