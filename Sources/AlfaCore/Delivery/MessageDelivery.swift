/// What the outbound queue does with a message Telegram did not take. Pure: the failure, the
/// message's attempts so far and the time in; the decision out.
/// - 429 pauses every chat until `retry_after` has passed; the message keeps its place.
/// - A migrated group gets the message at its new id, and every later one.
/// - A chat that blocked the bot is written to no more (until it writes to the bot again).
/// - Refused HTML is resent once as plain text.
/// - Transient failures are retried with backoff: a reply `replyAttempts` times, an alert for ever.
/// - Anything else will never be accepted: the message is dropped.
public enum MessageDelivery {
    public enum Decision: Sendable, Equatable {
        /// No chat is written to before `until`; then this message goes first again.
        case pauseEveryChat(until: Double)
        /// Resend to `chat`, and route every later message for the old id there.
        case reroute(to: Int64)
        /// Mark the chat blocked; the message is finished as "blocked".
        case blocked(reason: String)
        case resendAsPlainText
        /// Try again at `at`, after `attempts` failures.
        case retry(at: Double, attempts: Int)
        /// Give up on this message; `reason` is logged and stored with an alert.
        case drop(reason: String)
    }

    /// A reply is given up after this many transient failures; an alert never is.
    public static let replyAttempts = 6

    public static func decide(_ failure: BotFailure, attempts: Int, isAlert: Bool, html: Bool, now: Double,
                              backoff: RetryBackoff, random: inout some RandomNumberGenerator) -> Decision {
        switch failure {
        case .tooManyRequests(let seconds):
            return .pauseEveryChat(until: now + Double(seconds))
        case .chatMigrated(let chat):
            return .reroute(to: chat)
        case .forbidden(let reason):
            return .blocked(reason: reason)
        case .htmlRefused where html:
            return .resendAsPlainText
        case .transient(let why), .conflict(let why):
            return retry(why, attempts: attempts, isAlert: isAlert, now: now, backoff: backoff, random: &random)
        case .unauthorized:
            // A revoked token may be replaced while the service runs: alerts wait for it.
            return retry("unauthorized", attempts: attempts, isAlert: isAlert, now: now, backoff: backoff, random: &random)
        case .htmlRefused(let why), .badRequest(let why):
            return .drop(reason: "refused: \(why)")
        }
    }

    private static func retry(_ why: String, attempts: Int, isAlert: Bool, now: Double, backoff: RetryBackoff,
                              random: inout some RandomNumberGenerator) -> Decision {
        let failures = attempts + 1
        guard isAlert || failures < replyAttempts else { return .drop(reason: "\(why) after \(failures) attempts") }
        return .retry(at: now + backoff.delay(attempt: failures - 1, using: &random), attempts: failures)
    }
}
