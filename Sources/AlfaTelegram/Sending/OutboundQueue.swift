import AlfaCore

/// Every message the bot sends goes through here: split under Telegram's length limit, paced
/// per chat and overall (`FloodPacer`), sent in order per chat, retried on 429 and on transient
/// failures, resent as plain text when the HTML is refused, rerouted when a group migrates,
/// stopped for chats that blocked the bot. Alerts are persisted first and retried until
/// delivered, so neither a 429 nor a restart loses one.
public actor OutboundQueue {
    public enum Event: Sendable {
        case rateLimited(retryAfterSeconds: Int)
        case retrying(chat: Int64, BotAPIError, retryInSeconds: Double)
        case resentAsPlainText(chat: Int64)
        case migrated(from: Int64, to: Int64)
        case blocked(chat: Int64, String)
        case dropped(chat: Int64, reason: String)
        case storeFailed(String)
        /// Telegram took the message.
        case sent(chat: Int64)
    }

    struct Outgoing: Sendable {
        var chat: Int64
        /// A photo's caption (may be empty) when there is a photo.
        var text: String
        var html: Bool
        var keyboard: [[ChatReply.Button]]
        var alertID: Int64?
        var silent = false
        var photo: Photo?
        var attempts = 0
        var notBefore: Double = 0
    }

    /// A reply is given up after this many transient failures; an alert never is.
    public static let replyAttempts = MessageDelivery.replyAttempts

    private let client: BotAPIClient
    private let store: any BotStore
    private let observe: @Sendable (Event) -> Void
    /// Paces, retries and pauses on it (virtual in tests).
    private let clock: ServiceClock
    private let backoff = RetryBackoff(baseSeconds: 1, capSeconds: 30, factor: 1.5)
    private var random = SystemRandomNumberGenerator()
    private var pacer: FloodPacer
    private var routes = ChatRoutes()
    private var pending: [Outgoing] = []
    /// Every stored alert this queue has taken on, so one taken from the outbox is never taken twice.
    private var takenAlerts = Set<Int64>()
    private var pausedUntil: Double = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?

    public init(client: BotAPIClient, store: any BotStore, limits: FloodPacer.Limits = .telegram,
                clock: ServiceClock = .continuous,
                observe: @escaping @Sendable (Event) -> Void) {
        self.client = client
        self.store = store
        self.pacer = FloodPacer(limits: limits)
        self.clock = clock
        self.observe = observe
    }

    /// Queues a reply (HTML); long replies become several messages, buttons go on the last.
    /// With a photo: one photo whose caption is the text when it is short enough, else the
    /// text's messages then the photo (the buttons under it).
    public func send(_ reply: ChatReply, to chat: Int64, photo: Photo? = nil) {
        pending += Self.messages(html: reply.html, keyboard: reply.keyboard, photo: photo, chat: chat)
        wake()
    }

    static func messages(html: String, keyboard: [[ChatReply.Button]], photo: Photo?, chat: Int64) -> [Outgoing] {
        if let photo, TelegramHTML.plainText(html).utf16.count <= Photo.captionLimit {
            return [Outgoing(chat: chat, text: html, html: true, keyboard: keyboard, photo: photo)]
        }
        let chunks = MessageSplitter.split(html)
        var messages = chunks.enumerated().map { index, chunk in
            Outgoing(chat: chat, text: chunk, html: true, keyboard: index == chunks.count - 1 && photo == nil ? keyboard : [])
        }
        if let photo { messages.append(Outgoing(chat: chat, text: "", html: true, keyboard: keyboard, photo: photo)) }
        return messages
    }

    /// Persists then queues an alert for each chat. If the store is down the alert is still
    /// sent from memory: losing it would be worse than not recording it.
    public func alert(_ html: String, to chats: [Int64], photo: Photo? = nil) async {
        for chat in Set(chats).sorted() {
            for var message in Self.messages(html: html, keyboard: [], photo: photo, chat: chat) {
                do { message.alertID = try await store.addAlert(chat: chat, text: message.text, photo: message.photo) } catch {
                    observe(.storeFailed("\(error)"))
                }
                if let id = message.alertID { takenAlerts.insert(id) }
                pending.append(message)
            }
        }
        wake()
    }

    /// A chat that writes to the bot may be written to again, even if it once blocked the bot.
    public func chatIsActive(_ chat: Int64) async {
        guard routes.blocked.remove(chat) != nil else { return }
        do { try await store.unblock(chat: chat) } catch { observe(.storeFailed("\(error)")) }
    }

    /// Loads routes and the stored alerts not yet sent (by a previous run, or by another replica
    /// while this one stood by); call before `run`. The outbox is the truth: stored alerts queued
    /// in memory meanwhile are replaced by it, so none is sent twice.
    public func restore() async throws {
        routes = try await store.chatRoutes()
        let alerts = try await store.pendingAlerts()
        pending.removeAll { $0.alertID != nil }
        takenAlerts = Set(alerts.map(\.id))
        pending.insert(contentsOf: alerts.map(Self.outgoing), at: 0)
    }

    /// Takes on the stored alerts this queue has not seen: those raised on another replica,
    /// whose own queue does not run while this one holds the bot.
    public func adoptStoredAlerts() async {
        let alerts: [PendingAlert]
        do { alerts = try await store.pendingAlerts() } catch {
            observe(.storeFailed("\(error)"))
            return
        }
        let new = alerts.filter { takenAlerts.insert($0.id).inserted }
        guard !new.isEmpty else { return }
        pending += new.map(Self.outgoing)
        wake()
    }

    private static func outgoing(_ alert: PendingAlert) -> Outgoing {
        Outgoing(chat: alert.chat, text: alert.text, html: true, keyboard: [], alertID: alert.id, silent: alert.silent, photo: alert.photo)
    }

    /// Messages waiting, alerts included.
    public var backlog: Int { pending.count }

    /// Sends until the task is cancelled.
    public func run() async {
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let now = clock.seconds
                guard let (index, readyAt) = next(now: now) else {
                    await sleep(upTo: nil)
                    continue
                }
                if readyAt > now {
                    await sleep(upTo: readyAt - now)
                    continue
                }
                var message = pending.remove(at: index)
                let chat = routes.destination(of: message.chat)
                if routes.blocked.contains(chat) {
                    await finish(message, outcome: "blocked")
                    continue
                }
                let retry = await deliver(&message, to: chat)
                // Counted from the answer, not the request: Telegram counts from arrival, which
                // lies between the two, so a slow request cannot bunch up with the next one.
                pacer.record(chat: chat, at: clock.seconds)
                if let retry { pending.insert(retry, at: index) }
            }
        } onCancel: {
            Task { await self.wake() }
        }
    }

    /// The first message of each chat is a candidate; the one that may go soonest wins.
    private func next(now: Double) -> (Int, Double)? {
        var seen = Set<Int64>()
        var best: (Int, Double)?
        for (index, message) in pending.enumerated() where seen.insert(message.chat).inserted {
            let chat = routes.destination(of: message.chat)
            let ready = max(message.notBefore, pausedUntil, pacer.earliest(chat: chat, now: now))
            if best == nil || ready < best!.1 { best = (index, ready) }
            if ready <= now { break }
        }
        return best
    }

    /// Sends one message; returns it (updated) when it must be tried again.
    private func deliver(_ message: inout Outgoing, to chat: Int64) async -> Outgoing? {
        do {
            if let photo = message.photo {
                try await client.sendPhoto(chat: chat, png: photo.png, fileName: photo.fileName,
                                           caption: message.text.isEmpty ? nil : message.text, html: message.html, keyboard: message.keyboard,
                                           silent: message.silent)
            } else {
                try await client.sendMessage(chat: chat, text: message.text, html: message.html, keyboard: message.keyboard, silent: message.silent)
            }
            await finish(message, outcome: "sent")
            observe(.sent(chat: chat))
            return nil
        } catch {
            let decision = MessageDelivery.decide(error.failure, attempts: message.attempts, isAlert: message.alertID != nil,
                                                  html: message.html, now: clock.seconds, backoff: backoff, random: &random)
            switch decision {
            case .pauseEveryChat(let until):
                if case .tooManyRequests(let seconds) = error { observe(.rateLimited(retryAfterSeconds: seconds)) }
                pausedUntil = until
                return message
            case .reroute(let newChat):
                observe(.migrated(from: chat, to: newChat))
                routes.migrated[chat] = newChat
                do { try await store.markMigrated(chat: chat, to: newChat) } catch { observe(.storeFailed("\(error)")) }
                return message
            case .blocked(let reason):
                observe(.blocked(chat: chat, reason))
                routes.blocked.insert(chat)
                do { try await store.markBlocked(chat: chat, reason: reason) } catch { observe(.storeFailed("\(error)")) }
                await finish(message, outcome: "blocked")
                return nil
            case .resendAsPlainText:
                observe(.resentAsPlainText(chat: chat))
                message.html = false
                message.text = TelegramHTML.plainText(message.text)
                return message
            case .retry(let at, let attempts):
                message.attempts = attempts
                message.notBefore = at
                observe(.retrying(chat: chat, error, retryInSeconds: at - clock.seconds))
                return message
            case .drop(let reason):
                observe(.dropped(chat: chat, reason: reason))
                await finish(message, outcome: reason)
                return nil
            }
        }
    }

    private func finish(_ message: Outgoing, outcome: String) async {
        guard let id = message.alertID else { return }
        do { try await store.finishAlert(id: id, outcome: outcome) } catch { observe(.storeFailed("\(error)")) }
    }

    // MARK: Waiting for work or for the next slot

    private func sleep(upTo seconds: Double?) async {
        guard !Task.isCancelled else { return }
        await withCheckedContinuation { continuation in
            waiter = continuation
            if let seconds {
                let clock = self.clock
                timer = Task { [weak self] in
                    // Cancelled when work comes first: then `wake` has run already.
                    guard (try? await clock.sleep(seconds: seconds)) != nil else { return }
                    await self?.wake()
                }
            }
        }
    }

    private func wake() {
        timer?.cancel()
        timer = nil
        waiter?.resume()
        waiter = nil
    }
}
