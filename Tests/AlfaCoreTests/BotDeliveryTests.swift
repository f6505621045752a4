import AlfaCore
import Testing

/// The bot's decisions after a failed Bot API call, with no server: delivery of one message,
/// and the long poll's backoff.
@Suite("Telegram delivery and polling decisions")
struct BotDeliveryTests {
    /// Attempt n waits between half and all of min(30, 2ⁿ) s: the tables give the ceiling.
    static let backoff = RetryBackoff(baseSeconds: 1, capSeconds: 30, factor: 2)

    /// Whether `actual` is `expected`, a wait given as its ceiling matching any jitter below it.
    static func matches(_ actual: MessageDelivery.Decision, _ expected: MessageDelivery.Decision, now: Double = 100) -> Bool {
        guard case .retry(let at, let attempts) = actual, case .retry(let ceiling, let expectedAttempts) = expected else {
            return actual == expected
        }
        return attempts == expectedAttempts && at >= now + (ceiling - now) / 2 && at <= ceiling
    }

    /// The same for the poll; `retry_after` is waited exactly.
    static func matches(_ actual: PollingBackoff.Decision, _ expected: PollingBackoff.Decision) -> Bool {
        guard case .wait(let seconds, let delete, let why) = actual, case .wait(let ceiling, let expectedDelete, let expectedWhy) = expected
        else { return actual == expected }
        let exact = if case .rateLimited = why { true } else { false }
        return delete == expectedDelete && why == expectedWhy && (exact ? seconds == ceiling : seconds >= ceiling / 2 && seconds <= ceiling)
    }

    static func decide(_ failure: BotFailure, attempts: Int = 0, isAlert: Bool = false, html: Bool = true) -> MessageDelivery.Decision {
        var random = SeededRandom(seed: UInt64(attempts))
        return MessageDelivery.decide(failure, attempts: attempts, isAlert: isAlert, html: html, now: 100, backoff: backoff, random: &random)
    }

    @Test(arguments: [
        (BotFailure.tooManyRequests(retryAfter: 7), 0, false, true, MessageDelivery.Decision.pauseEveryChat(until: 107)),
        (.tooManyRequests(retryAfter: 7), 5, false, true, .pauseEveryChat(until: 107)),  // a 429 is no attempt
        (.chatMigrated(to: -100_777), 0, false, true, .reroute(to: -100_777)),
        (.forbidden("Forbidden: bot was blocked by the user"), 0, true, true, .blocked(reason: "Forbidden: bot was blocked by the user")),
        (.htmlRefused("400 can't parse entities"), 0, false, true, .resendAsPlainText),
        // Plain text refused as well: never accepted.
        (.htmlRefused("400 can't parse entities"), 0, false, false, .drop(reason: "refused: 400 can't parse entities")),
        (.badRequest("400 message is too long"), 0, true, true, .drop(reason: "refused: 400 message is too long")),
        (.transient("502 Bad Gateway"), 0, false, true, .retry(at: 101, attempts: 1)),
        (.transient("502 Bad Gateway"), 3, false, true, .retry(at: 108, attempts: 4)),
        (.transient("502 Bad Gateway"), 4, false, true, .retry(at: 116, attempts: 5)),
        // The sixth failure of a reply gives it up; an alert is never given up.
        (.transient("502 Bad Gateway"), 5, false, true, .drop(reason: "502 Bad Gateway after 6 attempts")),
        (.transient("502 Bad Gateway"), 5, true, true, .retry(at: 130, attempts: 6)),
        (.transient("502 Bad Gateway"), 40, true, true, .retry(at: 130, attempts: 41)),  // at the 30 s cap
        (.conflict("409 Conflict"), 0, false, true, .retry(at: 101, attempts: 1)),
        (.unauthorized, 5, false, true, .drop(reason: "unauthorized after 6 attempts")),
        (.unauthorized, 5, true, true, .retry(at: 130, attempts: 6)),
    ])
    func aFailedMessage(failure: BotFailure, attempts: Int, isAlert: Bool, html: Bool, expected: MessageDelivery.Decision) {
        let decision = Self.decide(failure, attempts: attempts, isAlert: isAlert, html: html)
        #expect(Self.matches(decision, expected), "\(decision)")
    }

    @Test func retriesSpreadWithJitterWithinTheirCeiling() {
        var random = SeededRandom(seed: 42)
        var waits: Set<Double> = []
        for _ in 0..<50 {
            guard case .retry(let at, 3) = MessageDelivery.decide(.transient("x"), attempts: 2, isAlert: false, html: true, now: 0,
                                                                   backoff: Self.backoff, random: &random)
            else { Issue.record("not a retry"); return }
            #expect((2...4).contains(at))
            waits.insert(at)
        }
        #expect(waits.count > 40)
    }

    @Test func thePollWaitsAsEachFailureSaysAndASuccessResetsIt() {
        var poll = PollingBackoff(backoff: Self.backoff, conflictBackoff: RetryBackoff(baseSeconds: 5, capSeconds: 120, factor: 2))
        var random = SeededRandom(seed: 7)
        let steps: [(BotFailure, PollingBackoff.Decision)] = [
            (.transient("502"), .wait(seconds: 1, deleteWebhook: false, why: .failed)),
            (.transient("timeout"), .wait(seconds: 2, deleteWebhook: false, why: .failed)),
            (.tooManyRequests(retryAfter: 9), .wait(seconds: 9, deleteWebhook: false, why: .rateLimited(retryAfter: 9))),
            // The first conflict deletes a webhook left behind; later ones only wait, longer each time.
            (.conflict("409 terminated by other getUpdates request"), .wait(seconds: 5, deleteWebhook: true, why: .conflict(first: true))),
            (.conflict("409 terminated by other getUpdates request"), .wait(seconds: 10, deleteWebhook: false, why: .conflict(first: false))),
            (.transient("502"), .wait(seconds: 30, deleteWebhook: false, why: .failed)),
            (.transient("502"), .wait(seconds: 30, deleteWebhook: false, why: .failed)),  // at the 30 s cap
        ]
        for (failure, expected) in steps {
            let decision = poll.failed(failure, random: &random)
            #expect(Self.matches(decision, expected), "\(decision)")
        }
        #expect(poll.succeeded() == steps.count)
        #expect(poll.succeeded() == 0)
        // After a success the counts start again: a conflict is the first once more.
        #expect(Self.matches(poll.failed(.conflict("409"), random: &random), .wait(seconds: 5, deleteWebhook: true, why: .conflict(first: true))))
        #expect(Self.matches(poll.failed(.transient("502"), random: &random), .wait(seconds: 2, deleteWebhook: false, why: .failed)))
    }

    @Test func aRefusedTokenStopsThePoll() {
        var poll = PollingBackoff()
        var random = SeededRandom(seed: 1)
        #expect(poll.failed(.unauthorized, random: &random) == .stop)
    }
}
