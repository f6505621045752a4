import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaTelegram
import Logging
import ServiceLifecycle

/// The Telegram side of `alfa serve`: checks the token (`getMe`), removes a webhook, publishes
/// the command menu, then long-polls on one connection and sends on another. Updates go to
/// the `ChatRouter`; replies and alerts leave through the `OutboundQueue`.
public final class TelegramBot: Sendable {
    public struct StartupError: Error, CustomStringConvertible {
        public let description: String
    }

    public let queue: OutboundQueue
    public let alerts: AlertCenter
    private let pollingClient: BotAPIClient
    private let sendingClient: BotAPIClient
    private let store: any BotStore
    private let pool: PostgresPool
    private let settings: Settings
    private let control: (any ExecutionControl)?
    private let logger: Logger
    private let charts: ChartDelivery
    private let onUpdate: @Sendable (Int64) -> Void
    /// What the queue, the poller and the bot's own waits run on.
    private let clock: ServiceClock

    /// `pollingTransport`/`sendingTransport` default to two libcurl clients (separate
    /// connections, so a reply never waits behind a 50 s poll). `onUpdate` sees each update id
    /// as it arrives (the benchmark's clock starts there).
    public init(settings: Settings, token: Secret, pool: PostgresPool, control: (any ExecutionControl)? = nil,
                limits: FloodPacer.Limits = .telegram, lease: Lease? = nil,
                pollingTransport: any HTTPTransport = CurlHTTPClient(name: "tg-poll"),
                sendingTransport: any HTTPTransport = CurlHTTPClient(name: "tg-send"),
                logger: Logger = Logger(label: "alfa.telegram"), charts: ChartDelivery? = nil, clock: ServiceClock = .continuous,
                onUpdate: @escaping @Sendable (Int64) -> Void = { _ in }) {
        let base = settings.telegram.apiBase
        pollingClient = BotAPIClient(transport: pollingTransport, base: base, token: token)
        sendingClient = BotAPIClient(transport: sendingTransport, base: base, token: token)
        store = PostgresBotStore(pool: pool, lease: lease)
        queue = OutboundQueue(client: sendingClient, store: store, limits: limits, clock: clock) { event in
            TelegramBot.log(event, logger)
        }
        self.charts = charts ?? ChartDelivery(logger: logger)
        alerts = AlertCenter.telegram(queue: queue, chats: settings.telegram.adminIDs + settings.telegram.alertChatIDs,
                                      charts: self.charts, logger: logger)
        self.pool = pool
        self.settings = settings
        self.control = control
        self.logger = logger
        self.onUpdate = onUpdate
        self.clock = clock
    }

    /// Runs until cancelled or a graceful shutdown; throws when Telegram refuses the token.
    public func run() async throws {
        let me: BotUser
        do {
            me = try await cancelWhenGracefulShutdown { try await self.identify() }
        } catch is CancellationError {
            return
        }
        logger.notice("telegram bot is online", metadata: ["bot": "@\(me.username ?? "?")", "admins": "\(settings.telegram.adminIDs.count)"])
        if settings.telegram.adminIDs.isEmpty {
            logger.warning("TELEGRAM_ADMIN_IDS is empty: nobody can run admin commands and alerts reach only TELEGRAM_ALERT_CHAT_IDS")
        }
        try await queue.restore()
        let router = ChatRouter(botUsername: me.username, admins: Set(settings.telegram.adminIDs), pool: pool,
                                leaderboard: settings.leaderboard, copy: settings.copy, execution: settings.execution,
                                maxMarkAge: settings.prices.maxAgeSeconds, watchLimit: settings.telegram.watchMaxPerUser,
                                control: control, logger: logger)
        let offset = try await store.offset(bot: me.id)
        let poller = UpdatePoller(client: pollingClient, timeoutSeconds: Int(settings.telegram.pollTimeoutSeconds), clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.queue.run() }
            group.addTask {
                // Alerts raised on the other replicas wait in the outbox for the one polling.
                while !Task.isCancelled {
                    try await self.clock.sleep(for: .seconds(2))
                    await self.queue.adoptStoredAlerts()
                }
            }
            group.addTask {
                try await cancelWhenGracefulShutdown {
                    try await poller.run(from: offset, handle: { await self.handle($0, router: router) },
                                         commit: { await self.commit($0, bot: me.id) },
                                         observe: { await self.observe($0) })
                }
                await self.flush(seconds: 3)
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// getMe (a 401 stops the service with a clear message; a network failure is retried),
    /// deleteWebhook, setMyCommands, setChatMenuButton.
    private func identify() async throws -> BotUser {
        var attempt = 0
        var random = SystemRandomNumberGenerator()
        while true {
            do {
                let me = try await sendingClient.getMe()
                try await sendingClient.deleteWebhook()
                try await sendingClient.setMyCommands(ChatReplies.menu)
                // WEB_PUBLIC_URL: the menu button opens the web leaderboard as a Mini App; unset, it is the command list again.
                try await sendingClient.setChatMenuButton(webApp: settings.http.publicURL, text: "Leaderboard")
                return me
            } catch .unauthorized {
                throw StartupError(description: "Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): "
                                   + "check the token with @BotFather; it may have been revoked")
            } catch {
                let wait = RetryBackoff(baseSeconds: 1, capSeconds: 30, factor: 1.5).delay(attempt: attempt, using: &random)
                logger.warning("Telegram is not reachable yet; retrying", metadata: ["error": "\(error)", "retry-in-s": "\(Int(wait.rounded(.up)))"])
                attempt += 1
                try await clock.sleep(seconds: wait)
            }
        }
    }

    private func handle(_ update: BotUpdate, router: ChatRouter) async {
        if let id = update.id { onUpdate(id) }
        Telemetry.shared.botUpdateHandled()
        switch update.content {
        case .message(let message):
            if let newChat = message.migrateToChatID {
                do { try await store.markMigrated(chat: message.chat.id, to: newChat) } catch {
                    logger.error("could not store a group migration", metadata: ["error": "\(error)"])
                }
                return
            }
            guard let text = message.text, let from = message.from, !from.isBot else { return }
            let replies = await router.handle(ChatInput(userID: from.id, chatID: message.chat.id, text: text, source: .telegram))
            guard !replies.isEmpty else { return }
            await queue.chatIsActive(message.chat.id)
            for reply in replies { await send(reply, to: message.chat.id) }
        case .callbackQuery(let query):
            let chat = query.message?.chat.id ?? query.from.id
            let outcome = await router.press(ChatInput(userID: query.from.id, chatID: chat, text: query.data ?? "", source: .telegram))
            do {
                try await sendingClient.answerCallbackQuery(id: query.id, text: outcome.toast)
                // The pressed message changes in place (a board's page, an answered question).
                if let message = query.message, let edit = outcome.edit {
                    try await sendingClient.editMessageText(chat: chat, messageID: message.messageID, html: edit.html, keyboard: edit.keyboard)
                }
            } catch {
                logger.warning("could not answer a button press", metadata: ["error": "\(error)"])
            }
            if let reply = outcome.reply { await send(reply, to: chat) }
        case .other, .malformed:
            break
        }
    }

    /// A reply, with its chart drawn first when it has one.
    private func send(_ reply: ChatReply, to chat: Int64) async {
        await queue.send(reply, to: chat, photo: await charts.photo(for: reply.chart))
    }

    private func commit(_ offset: Int64, bot: Int64) async {
        do {
            try await store.saveOffset(offset, bot: bot)
        } catch {
            logger.error("could not persist the update offset; a restart may repeat the last command",
                         metadata: ["offset": "\(offset)", "error": "\(error)"])
        }
    }

    private func observe(_ event: UpdatePoller.Event) async {
        switch event {
        case .conflict(let text, let wait, let first):
            logger.error("getUpdates conflict: another instance is polling with this token, or a webhook is set",
                         metadata: ["telegram": "\(text)", "retry-in-s": "\(Int(wait.rounded(.up)))"])
            if first {
                await alerts.raise(.warning, "Another instance is polling with this bot token",
                                   detail: "Telegram answered getUpdates with: 409 \(text)",
                                   action: "Stop the other process using TELEGRAM_BOT_TOKEN (another alfa serve, a test bot). This one keeps retrying with a growing pause.")
            }
        case .rateLimited(let seconds):
            Telemetry.shared.botRateLimited("getUpdates")
            logger.warning("getUpdates rate-limited", metadata: ["retry-after-s": "\(seconds)"])
        case .failed(let error, let wait):
            logger.warning("getUpdates failed; retrying", metadata: ["error": "\(error)", "retry-in-s": "\(String(format: "%.1f", wait))"])
        case .recovered(let failures):
            logger.notice("getUpdates works again", metadata: ["failed-attempts": "\(failures)"])
        case .skipped(let id, let reason):
            logger.warning("skipped an update that could not be read", metadata: ["update": "\(id.map(String.init) ?? "?")", "reason": "\(reason)"])
        }
    }

    /// Gives replies already queued a moment to leave on shutdown (alerts are persisted anyway).
    private func flush(seconds: Double) async {
        let deadline = clock.now + .seconds(seconds)
        while await queue.backlog > 0, clock.now < deadline {
            try? await clock.sleep(for: .milliseconds(50))
        }
    }

    static func log(_ event: OutboundQueue.Event, _ logger: Logger) {
        switch event {
        case .rateLimited(let seconds):
            Telemetry.shared.botRateLimited("send")
            logger.warning("sendMessage rate-limited: pausing", metadata: ["retry-after-s": "\(seconds)"])
        case .retrying(let chat, let error, let wait):
            logger.warning("sendMessage failed; retrying", metadata: ["chat": "\(chat)", "error": "\(error)", "retry-in-s": "\(String(format: "%.1f", wait))"])
        case .resentAsPlainText(let chat): logger.warning("Telegram refused the HTML; resending as plain text", metadata: ["chat": "\(chat)"])
        case .migrated(let from, let to): logger.notice("group became a supergroup; following it", metadata: ["from": "\(from)", "to": "\(to)"])
        case .blocked(let chat, let reason): logger.notice("chat blocked the bot; no more messages to it", metadata: ["chat": "\(chat)", "telegram": "\(reason)"])
        case .dropped(let chat, let reason): logger.error("message dropped", metadata: ["chat": "\(chat)", "reason": "\(reason)"])
        case .storeFailed(let error): logger.error("bot state could not be stored", metadata: ["error": "\(error)"])
        case .sent: Telemetry.shared.botMessageSent()
        }
    }
}

/// Runs the bot inside `alfa serve`; a graceful shutdown ends the long poll at once.
struct TelegramBotService: Service {
    let bot: TelegramBot

    func run() async throws {
        try await bot.run()
    }
}
