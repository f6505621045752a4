import AlfaCore
import AlfaHTTP

/// Long polling with `getUpdates`, following the Bot API's rules: the offset confirms what
/// was handled and is committed after each update; after a failure `PollingBackoff` decides
/// (429 waits `retry_after`; 409 deletes a webhook once and backs off; 5xx and network
/// failures back off with jitter; 401 is fatal).
public struct UpdatePoller: Sendable {
    /// What happened, for the caller to log and to alert on. Never contains the token.
    public enum Event: Sendable {
        /// 409. `first` is true on the first conflict since the last successful poll.
        case conflict(String, retryInSeconds: Double, first: Bool)
        case rateLimited(retryAfterSeconds: Int)
        case failed(BotAPIError, retryInSeconds: Double)
        case recovered(afterFailures: Int)
        case skipped(updateID: Int64?, reason: String)
    }

    public static let allowedUpdates = ["message", "callback_query"]

    private let client: BotAPIClient
    private let timeoutSeconds: Int
    private let backoff: PollingBackoff
    /// Backs off on it (virtual in tests).
    private let clock: ServiceClock

    public init(client: BotAPIClient, timeoutSeconds: Int, clock: ServiceClock = .continuous,
                backoff: RetryBackoff = RetryBackoff(baseSeconds: 1, capSeconds: 30, factor: 1.5),
                conflictBackoff: RetryBackoff = RetryBackoff(baseSeconds: 5, capSeconds: 120, factor: 2)) {
        self.client = client
        self.timeoutSeconds = timeoutSeconds
        self.clock = clock
        self.backoff = PollingBackoff(backoff: backoff, conflictBackoff: conflictBackoff)
    }

    /// Polls until the task is cancelled (returns) or the token is refused (throws).
    /// `handle` runs once per update, in order; `commit` then receives the next offset.
    public func run(from initialOffset: Int64?,
                    handle: @Sendable (BotUpdate) async -> Void,
                    commit: @Sendable (Int64) async -> Void,
                    observe: @Sendable (Event) async -> Void) async throws(BotAPIError) {
        var offset = initialOffset
        var backoff = self.backoff
        var random = SystemRandomNumberGenerator()
        while !Task.isCancelled {
            let updates: [BotUpdate]
            do {
                updates = try await client.getUpdates(offset: offset, timeoutSeconds: timeoutSeconds,
                                                      allowedUpdates: Self.allowedUpdates)
            } catch {
                if case .transport(.cancelled) = error { return }
                switch backoff.failed(error.failure, random: &random) {
                case .stop:
                    throw error
                case .wait(let seconds, let deleteWebhook, let why):
                    // A webhook left behind is removed once; another poller is only waited out.
                    if deleteWebhook { try? await client.deleteWebhook() }
                    switch why {
                    case .rateLimited(let retryAfter): await observe(.rateLimited(retryAfterSeconds: retryAfter))
                    case .conflict(let first):
                        if case .conflict(let text) = error { await observe(.conflict(text, retryInSeconds: seconds, first: first)) }
                    case .failed: await observe(.failed(error, retryInSeconds: seconds))
                    }
                    do { try await clock.sleep(seconds: seconds) } catch { return }
                }
                continue
            }
            let failures = backoff.succeeded()
            if failures > 0 { await observe(.recovered(afterFailures: failures)) }
            for update in updates {
                guard let id = update.id else {
                    await observe(.skipped(updateID: nil, reason: "no update_id"))
                    continue
                }
                // No check against the offset: after a quiet week the server restarts ids at random.
                switch update.content {
                case .malformed(let reason): await observe(.skipped(updateID: id, reason: reason))
                case .other: break
                case .message, .callbackQuery: await handle(update)
                }
                offset = id + 1
                await commit(id + 1)
            }
        }
    }
}
