import AlfaCore
import AlfaHTTP
@testable import AlfaTelegram
import AlfaTestSupport
import Foundation
import Synchronization
import Testing

/// Keeps nothing: these replies are not alerts, so the store is never asked to persist.
struct NoStore: BotStore {
    func offset(bot: Int64) async throws -> Int64? { nil }
    func saveOffset(_ offset: Int64, bot: Int64) async throws {}
    func chatRoutes() async throws -> ChatRoutes { ChatRoutes() }
    func markBlocked(chat: Int64, reason: String) async throws {}
    func markMigrated(chat: Int64, to newChat: Int64) async throws {}
    func unblock(chat: Int64) async throws {}
    func addAlert(chat: Int64, text: String, photo: Photo?) async throws -> Int64 { 0 }
    func pendingAlerts() async throws -> [PendingAlert] { [] }
    func finishAlert(id: Int64, outcome: String) async throws {}
}

/// The queue against a scripted Bot API on a manual clock: pacing, 429 pauses and retries run
/// in virtual time, so the figures are exact and no test waits on the wall clock.
@Suite("Outbound queue (virtual time)")
struct OutboundQueueTests {
    final class Events: Sendable {
        private let events = Mutex<[OutboundQueue.Event]>([])
        func append(_ event: OutboundQueue.Event) { events.withLock { $0.append(event) } }
        var all: [OutboundQueue.Event] { events.withLock { $0 } }
    }

    final class Harness: Sendable {
        let clock = ManualClock()
        let api: ScriptedBotAPI
        let queue: OutboundQueue
        let events = Events()

        init(chats: [Int64: [ScriptedBotAPI.Answer]]) {
            api = ScriptedBotAPI(clock: clock, chats: chats)
            let client = BotAPIClient(transport: api, base: "http://bot.test/", token: Secret("1:T"))
            let events = self.events
            queue = OutboundQueue(client: client, store: NoStore(), clock: ServiceClock(clock)) { event in
                events.append(event)
            }
        }

        /// Runs the queue until the Bot API has seen `count` requests and `settled` holds (what
        /// the queue does with the last answer comes after it arrived).
        func run(until count: Int, settled: @escaping @Sendable (Events) -> Bool = { _ in true }) async throws -> [ScriptedBotAPI.Arrival] {
            let running = Task { await queue.run() }
            defer { running.cancel() }
            let arrivals = try await api.advance(untilRequests: count)
            let events = self.events
            try await clock.until("the queue to settle") { settled(events) }
            return arrivals
        }
    }

    @Test func aSlowSendIsNotFollowedWithinASecondOfItsArrival() async throws {
        let h = Harness(chats: [42: [.init(delay: .milliseconds(300))]])
        await h.queue.send(ChatReply(html: "first"), to: 42)
        await h.queue.send(ChatReply(html: "second"), to: 42)
        let arrivals = try await h.run(until: 2).map(\.at)
        // Paced from the request, the second would arrive 0.7 s after the first: a 429 from Telegram.
        #expect(abs(arrivals[0] - 0.3) < 1e-9)
        #expect(abs(arrivals[1] - 1.3) < 1e-9, "\(arrivals)")
    }

    @Test func aRetryAfterPausesEveryChatForThatLongThenTheMessageGoesFirst() async throws {
        let h = Harness(chats: [1: [.tooManyRequests(retryAfter: 5)]])
        await h.queue.send(ChatReply(html: "to one"), to: 1)
        await h.queue.send(ChatReply(html: "to two"), to: 2)
        let arrivals = try await h.run(until: 3)
        #expect(arrivals == [.init(chat: 1, text: "to one", at: 0), .init(chat: 1, text: "to one", at: 5),
                             .init(chat: 2, text: "to two", at: 5)])
        let rateLimited = h.events.all.compactMap { if case .rateLimited(let s) = $0 { s } else { nil } }
        #expect(rateLimited == [5])
    }

    @Test func aReplyFailingAtTheServerIsRetriedWithGrowingBackoffThenDropped() async throws {
        let attempts = OutboundQueue.replyAttempts
        let h = Harness(chats: [7: Array(repeating: .badGateway, count: attempts)])
        await h.queue.send(ChatReply(html: "doomed"), to: 7)
        await h.queue.send(ChatReply(html: "after"), to: 8)
        let arrivals = try await h.run(until: attempts + 1) { events in
            events.all.contains { if case .dropped = $0 { true } else { false } }
        }
        let doomed = arrivals.filter { $0.chat == 7 }.map(\.at)
        #expect(doomed.count == attempts)
        // Attempt n waits between half and all of min(30, 1.5ⁿ) seconds.
        for (n, gap) in zip(doomed.dropFirst(), doomed).map({ $0 - $1 }).enumerated() {
            let ceiling = min(30, pow(1.5, Double(n)))
            #expect(gap >= ceiling / 2 - 1e-9 && gap <= ceiling + 1e-9, "attempt \(n + 1) waited \(gap) s")
        }
        // Another chat's message is not held behind the failing one.
        #expect(arrivals.first { $0.chat == 8 }?.at == 0)
        let dropped = h.events.all.compactMap { if case .dropped(let chat, let why) = $0 { "\(chat) \(why)" } else { nil } }
        #expect(dropped.count == 1 && dropped[0].hasPrefix("7 ") && dropped[0].hasSuffix(" after \(attempts) attempts"), "\(dropped)")
    }
}
