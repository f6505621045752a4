import AlfaCore
import AlfaHTTP
@testable import AlfaTelegram
import AlfaTestSupport
import Synchronization
import Testing

/// The long poll against a scripted Bot API on a manual clock: each failure's wait is checked
/// to the second it was due, with no wall-clock time spent.
@Suite("Update poller (virtual time)")
struct UpdatePollerTests {
    final class Seen: Sendable {
        let events = Mutex<[String]>([])
        let handled = Mutex<[Int64]>([])
        let committed = Mutex<[Int64]>([])
    }

    @Test func eachFailureWaitsAsTheBotAPIRulesSayThenPollingResumesFromTheOffset() async throws {
        let clock = ManualClock()
        let update = #"[{"update_id":10,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"/help"}}]"#
        let api = ScriptedBotAPI(clock: clock, methods: ["getUpdates": [
            .tooManyRequests(retryAfter: 3), .badGateway, .conflict, .conflict, .updates(update)]])
        let client = BotAPIClient(transport: api, base: "http://bot.test/", token: Secret("1:T"))
        let poller = UpdatePoller(client: client, timeoutSeconds: 30, clock: ServiceClock(clock))
        let seen = Seen()
        let running = Task {
            try await poller.run(from: nil) { update in
                seen.handled.withLock { $0.append(update.id ?? -1) }
            } commit: { offset in
                seen.committed.withLock { $0.append(offset) }
            } observe: { event in
                let line = switch event {
                case .rateLimited(let seconds): "rate-limited \(seconds)"
                case .failed(let error, _): "failed \(error)"
                case .conflict(_, _, let first): "conflict first=\(first)"
                case .recovered(let failures): "recovered after \(failures)"
                case .skipped(let id, let reason): "skipped \(id ?? -1) \(reason)"
                }
                seen.events.withLock { $0.append(line) }
            }
        }
        // Five scripted answers, one webhook deletion, then the long poll that waits.
        let arrivals = try await api.advance(untilRequests: 7)
        running.cancel()
        _ = await running.result

        #expect(arrivals.map(\.method) == ["getUpdates", "getUpdates", "getUpdates", "deleteWebhook", "getUpdates", "getUpdates", "getUpdates"])
        let polls = arrivals.filter { $0.method == "getUpdates" }.map(\.at)
        let gaps = zip(polls.dropFirst(), polls).map { $0 - $1 }
        #expect(abs(gaps[0] - 3) < 1e-9, "429 waits retry_after exactly: \(gaps)")
        #expect(gaps[1] >= 0.75 - 1e-9 && gaps[1] <= 1.5 + 1e-9, "the second failure backs off 0.75–1.5 s: \(gaps)")
        #expect(gaps[2] >= 2.5 - 1e-9 && gaps[2] <= 5 + 1e-9, "the first conflict backs off 2.5–5 s: \(gaps)")
        #expect(gaps[3] >= 5 - 1e-9 && gaps[3] <= 10 + 1e-9, "the second conflict backs off 5–10 s: \(gaps)")
        #expect(gaps[4] == 0, "after the updates the next poll goes at once: \(gaps)")
        #expect(seen.events.withLock { $0 }.count == 5)
        #expect(seen.events.withLock { $0 }.first == "rate-limited 3")
        #expect(Array(seen.events.withLock { $0 }.suffix(3)) == ["conflict first=true", "conflict first=false", "recovered after 4"])
        #expect(seen.handled.withLock { $0 } == [10] && seen.committed.withLock { $0 } == [11])
    }

    @Test func aRefusedTokenStopsPollingWithTheError() async throws {
        let clock = ManualClock()
        let api = ScriptedBotAPI(clock: clock, methods: ["getUpdates": [
            .init(status: 401, body: #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)]])
        let client = BotAPIClient(transport: api, base: "http://bot.test/", token: Secret("1:T"))
        let poller = UpdatePoller(client: client, timeoutSeconds: 30, clock: ServiceClock(clock))
        await #expect(throws: BotAPIError.self) {
            try await poller.run(from: 5, handle: { _ in }, commit: { _ in }, observe: { _ in })
        }
        #expect(api.count == 1)
    }
}
