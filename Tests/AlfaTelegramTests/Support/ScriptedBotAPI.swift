import AlfaCore
import AlfaHTTP
import AlfaTestSupport
import Foundation
import Synchronization

/// A Bot API that answers from scripts (then with success), in virtual time: `sendMessage` from
/// its chat's script, other methods from the method's. An answer may be held up on the way (as a
/// busy thread or a busy server holds one). It notes when each request arrives, which is when
/// Telegram counts it.
final class ScriptedBotAPI: HTTPTransport {
    struct Answer {
        /// Held up on the way: the request arrives this late.
        var delay: Duration = .zero
        /// Held by the server after it arrived, as a long poll is.
        var hold: Duration = .zero
        var status = 200
        var body: String?

        static func tooManyRequests(retryAfter seconds: Int) -> Answer {
            Answer(status: 429, body: #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after \#(seconds)","parameters":{"retry_after":\#(seconds)}}"#)
        }
        static let badGateway = Answer(status: 502, body: #"{"ok":false,"error_code":502,"description":"Bad Gateway"}"#)
        static let conflict = Answer(status: 409, body: #"{"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active"}"#)
        static func updates(_ json: String) -> Answer { Answer(body: #"{"ok":true,"result":\#(json)}"#) }
    }

    struct Arrival: Equatable {
        var method = "sendMessage"
        let chat: Int64
        let text: String
        let at: Double
    }

    private let clock: ManualClock
    private let elapsed: ServiceClock
    private let chats: Mutex<[Int64: [Answer]]>
    private let methods: Mutex<[String: [Answer]]>
    let arrivals = Mutex<[Arrival]>([])

    init(clock: ManualClock, chats: [Int64: [Answer]] = [:], methods: [String: [Answer]] = [:]) {
        self.clock = clock
        elapsed = ServiceClock(clock)
        self.chats = Mutex(chats)
        self.methods = Mutex(methods)
    }

    var count: Int { arrivals.withLock { $0.count } }

    /// Lets virtual time run until `count` requests have arrived: whenever everything waits,
    /// time jumps to the next deadline.
    func advance(untilRequests count: Int) async throws -> [Arrival] {
        while self.count < count {
            try await clock.until("request \(count) or a sleeper") { self.count >= count || self.clock.sleepers > 0 }
            if self.count < count { clock.advanceToNextDeadline() }
        }
        return arrivals.withLock { $0 }
    }

    /// With no script: a long poll waits out its timeout with nothing; the rest succeed.
    static func unscripted(_ method: String) -> Answer {
        switch method {
        case "getUpdates": Answer(hold: .seconds(30), body: #"{"ok":true,"result":[]}"#)
        case "sendMessage": Answer()
        default: Answer(body: #"{"ok":true,"result":true}"#)
        }
    }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        struct Body: Decodable {
            let chat_id: Int64
            let text: String
        }
        let method = String(request.url.split(separator: "/").last ?? "")
        let body = try? JSONDecoder().decode(Body.self, from: Data(request.body))
        let answer = if method == "sendMessage", let chat = body?.chat_id {
            chats.withLock { $0[chat]?.isEmpty == false ? $0[chat]!.removeFirst() : Answer() }
        } else {
            methods.withLock { $0[method]?.isEmpty == false ? $0[method]!.removeFirst() : Self.unscripted(method) }
        }
        if answer.delay > .zero { try? await clock.sleep(for: answer.delay) }
        let count = arrivals.withLock { arrivals in
            arrivals.append(Arrival(method: method, chat: body?.chat_id ?? 0, text: body?.text ?? "", at: elapsed.seconds))
            return arrivals.count
        }
        if answer.hold > .zero { try? await clock.sleep(for: answer.hold) }
        return HTTPResponse(status: answer.status, body: Array((answer.body ?? #"{"ok":true,"result":{"message_id":\#(count)}}"#).utf8))
    }
}
