import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTelegram
import Logging

/// Tells the admins of every settled copy order (opened, closed, skipped, failed), each as they
/// chose with `/notify`, grouped into one message per admin per NOTIFY_GROUP_SECONDS: the
/// first notice goes at once, those that follow wait for the group. The messages are queued in
/// the alert outbox in the transaction that marks the orders told, so none is lost or told
/// twice; the replica that polls Telegram sends them. Runs on the executor's replica.
actor CopyNotifier {
    private let pool: PostgresPool
    private let admins: [Int64]
    /// Without a bot there is nobody to tell: orders are marked told and only logged.
    private let hasBot: Bool
    private let groupSeconds: Int64
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private var lastSent: Int64 = .min / 2

    init(telegram: Settings.Telegram, pool: PostgresPool, clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.pool = pool
        admins = telegram.adminIDs
        hasBot = telegram.botToken != nil
        groupSeconds = telegram.noticeGroupSeconds
        self.clock = clock
        self.logger = logger
    }

    /// Queues what is due; returns the messages queued.
    @discardableResult
    func flush() async throws -> Int {
        let now = clock()
        guard now - lastSent >= groupSeconds else { return 0 }
        let (admins, hasBot) = (self.admins, self.hasBot)
        let (notices, messages) = try await pool.transaction { connection -> ([CopyNotice], [NoticeDigest.Message]) in
            let notices = try NoticeRepository().claimSettled(on: connection).compactMap { CopyNotice($0) }
            guard !notices.isEmpty, hasBot else { return (notices, []) }
            let messages = NoticeDigest.messages(notices, admins: admins, preferences: try NoticeRepository().preferences(on: connection))
            for message in messages {
                for chunk in MessageSplitter.split(message.html) {
                    try TelegramRepository().addAlert(chat: message.admin, text: chunk, silent: message.silent, on: connection)
                }
            }
            return (notices, messages)
        }
        guard !notices.isEmpty else { return 0 }
        lastSent = now
        logger.info("copy notices", metadata: ["notices": "\(notices.count)", "messages": "\(messages.count)"])
        return messages.count
    }
}
