import AlfaCore
import AlfaHTTP
@testable import AlfaTelegram
import Synchronization
import Testing

/// A Bot API whose first `sendMessage` is held up on the way, as a busy thread or a busy
/// server holds one; it notes when each message arrives, which is when Telegram counts it.
final class SlowFirstTransport: HTTPTransport {
    let arrivals = Mutex<[Double]>([])

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        if arrivals.withLock({ $0.isEmpty }) { try? await Task.sleep(for: .milliseconds(300)) }
        let count = arrivals.withLock { arrivals in
            arrivals.append(OutboundQueue.monotonicSeconds())
            return arrivals.count
        }
        return HTTPResponse(status: 200, body: Array(#"{"ok":true,"result":{"message_id":\#(count)}}"#.utf8))
    }
}

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

@Suite("Outbound queue: pacing where Telegram counts")
struct OutboundQueueTests {
    @Test func aSlowSendIsNotFollowedWithinASecondOfItsArrival() async throws {
        let transport = SlowFirstTransport()
        let client = BotAPIClient(transport: transport, base: "http://bot.test/", token: Secret("1:T"))
        let queue = OutboundQueue(client: client, store: NoStore(), observe: { _ in })
        await queue.send(ChatReply(html: "first"), to: 42)
        await queue.send(ChatReply(html: "second"), to: 42)
        let running = Task { await queue.run() }
        while transport.arrivals.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
        running.cancel()
        let arrivals = transport.arrivals.withLock { $0 }
        // Paced from the request, the second would arrive 0.7 s after the first: a 429 from Telegram.
        #expect(arrivals[1] - arrivals[0] >= 1.0, "\(arrivals[1] - arrivals[0]) s apart")
    }
}
