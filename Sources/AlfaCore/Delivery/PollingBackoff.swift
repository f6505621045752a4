/// How the long poll waits after a failed `getUpdates`, as a state machine: each failure in,
/// what to do out; a success resets it. 429 waits `retry_after`; 409 deletes a webhook left
/// behind once, then waits out the other poller with its own longer backoff; anything else
/// backs off with jitter; 401 is fatal (the token is refused).
public struct PollingBackoff: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Stop polling: the token is refused.
        case stop
        /// Wait `seconds` before polling again; first delete the webhook when told to.
        case wait(seconds: Double, deleteWebhook: Bool, why: Why)
    }

    public enum Why: Sendable, Equatable {
        case rateLimited(retryAfter: Int)
        /// `first`: the first conflict since the last successful poll.
        case conflict(first: Bool)
        case failed
    }

    public let backoff: RetryBackoff
    public let conflictBackoff: RetryBackoff
    /// Failures since the last successful poll.
    public private(set) var failures = 0
    private var conflicts = 0

    public init(backoff: RetryBackoff = RetryBackoff(baseSeconds: 1, capSeconds: 30, factor: 1.5),
                conflictBackoff: RetryBackoff = RetryBackoff(baseSeconds: 5, capSeconds: 120, factor: 2)) {
        self.backoff = backoff
        self.conflictBackoff = conflictBackoff
    }

    public mutating func failed(_ failure: BotFailure, random: inout some RandomNumberGenerator) -> Decision {
        let decision: Decision
        switch failure {
        case .unauthorized:
            return .stop
        case .tooManyRequests(let seconds):
            decision = .wait(seconds: Double(seconds), deleteWebhook: false, why: .rateLimited(retryAfter: seconds))
        case .conflict:
            decision = .wait(seconds: conflictBackoff.delay(attempt: conflicts, using: &random), deleteWebhook: conflicts == 0,
                             why: .conflict(first: conflicts == 0))
            conflicts += 1
        default:
            decision = .wait(seconds: backoff.delay(attempt: failures, using: &random), deleteWebhook: false, why: .failed)
        }
        failures += 1
        return decision
    }

    /// A poll answered; returns the failures it ended (0: there were none).
    public mutating func succeeded() -> Int {
        defer {
            failures = 0
            conflicts = 0
        }
        return failures
    }
}
