import AlfaCore
import AlfaHTTP
@testable import AlfaTelegram
import Foundation
import Synchronization
import Testing

/// Answers every request with one canned response and keeps the requests.
final class CannedTransport: HTTPTransport {
    let response: Result<HTTPResponse, HTTPError>
    let requests = Mutex<[HTTPRequest]>([])

    init(status: Int, _ body: String, headers: [String: String] = [:]) {
        response = .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    init(failure: HTTPError) { response = .failure(failure) }

    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        requests.withLock { $0.append(request) }
        return try response.get()
    }
}

@Suite("Bot API client: replies, errors, updates")
struct BotAPITests {
    static let token = Secret("123:SECRET")

    func client(_ transport: CannedTransport) -> BotAPIClient {
        BotAPIClient(transport: transport, base: "http://bot.test/", token: Self.token)
    }

    func error(status: Int, _ body: String, headers: [String: String] = [:]) async -> BotAPIError? {
        do {
            _ = try await client(CannedTransport(status: status, body, headers: headers)).getMe()
            return nil
        } catch {
            return error
        }
    }

    @Test func requestsArePostsWithJSONToTheTokenURLAndTimeoutsOutlastThePoll() async throws {
        let transport = CannedTransport(status: 200, #"{"ok":true,"result":[]}"#)
        _ = try await client(transport).getUpdates(offset: 42, timeoutSeconds: 50, allowedUpdates: ["message"])
        let request = try #require(transport.requests.withLock { $0.first })
        #expect(request.method == "POST" && request.url == "http://bot.test/bot123:SECRET/getUpdates")
        #expect(request.timeoutSeconds == 60 && request.connectTimeoutSeconds == 10)
        let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
        #expect(body?["offset"] as? Int == 42 && body?["timeout"] as? Int == 50)
        #expect(body?["allowed_updates"] as? [String] == ["message"])
    }

    @Test func errorsAreClassifiedByWhatTheCallerMustDo() async {
        #expect(await error(status: 401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#) == .unauthorized)
        #expect(await error(status: 409, #"{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"}"#)
            == .conflict("Conflict: terminated by other getUpdates request"))
        #expect(await error(status: 429, #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 35","parameters":{"retry_after":35}}"#)
            == .tooManyRequests(retryAfter: 35))
        #expect(await error(status: 429, "<html>busy</html>", headers: ["retry-after": "7"]) == .tooManyRequests(retryAfter: 7))
        #expect(await error(status: 400, #"{"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890123}}"#)
            == .chatMigrated(to: -1001234567890123))
        #expect(await error(status: 403, #"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#)
            == .forbidden("Forbidden: bot was blocked by the user"))
        let parse = await error(status: 400, #"{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"}"#)
        #expect(parse?.isParseError == true && parse?.isTransient == false)
        #expect(await error(status: 502, "<html>Bad Gateway</html>") == .server(status: 502, "HTTP 502 from getMe"))
        #expect(await error(status: 200, #"{"ok":true}"#) == .malformedResponse("getMe returned no result"))
        #expect(BotAPIError.server(status: 500, "x").isTransient && BotAPIError.transport(.timedOut).isTransient)
        #expect(!BotAPIError.unauthorized.isTransient && !BotAPIError.forbidden("x").isTransient)
    }

    @Test func noErrorEverContainsTheToken() async throws {
        let echoed = await error(status: 400, #"{"ok":false,"error_code":400,"description":"Bad Request: bad url /bot123:SECRET/getMe"}"#)
        #expect(echoed == .badRequest("Bad Request: bad url /bot<token>/getMe"))
        do {
            _ = try await client(CannedTransport(failure: .connectionFailed("Couldn't connect to server"))).getMe()
            Issue.record("a refused connection did not throw")
        } catch {
            #expect(!"\(error)".contains("SECRET") && "\(error)".contains("could not connect"))
        }
        #expect(BotAPIError.unauthorized.description.contains("TELEGRAM_BOT_TOKEN"))
    }

    @Test func eachUpdateDecodesOnItsOwnSoOneBadUpdateCannotStopThePoll() throws {
        let json = #"""
            {"ok":true,"result":[
              {"update_id":1,"message":{"message_id":5,"date":1,"chat":{"id":-1001234567890123,"type":"supergroup"},
               "from":{"id":9007199254740991,"is_bot":false,"first_name":"A"},"text":"/help"}},
              {"update_id":2,"message":{"message_id":"x","date":1,"chat":{"id":1,"type":"private"}}},
              {"update_id":3,"callback_query":{"id":"q","from":{"id":7,"is_bot":false,"first_name":"B"},"data":"confirm:k"}},
              {"update_id":4,"edited_message":{"message_id":1}},
              {"message":{}},
              7
            ]}
            """#
        struct Envelope: Decodable { let result: [BotUpdate] }
        let updates = try JSONDecoder().decode(Envelope.self, from: Data(json.utf8)).result
        #expect(updates.map(\.id) == [1, 2, 3, 4, nil, nil])
        guard case .message(let message) = updates[0].content else { Issue.record("not a message"); return }
        #expect(message.chat.id == -1001234567890123 && message.from?.id == 9007199254740991 && message.text == "/help")
        guard case .malformed(let reason) = updates[1].content else { Issue.record("not malformed"); return }
        #expect(reason == "wrong type at message.message_id")
        guard case .callbackQuery(let query) = updates[2].content else { Issue.record("not a callback"); return }
        #expect(query.data == "confirm:k" && query.from.id == 7)
        guard case .other = updates[3].content else { Issue.record("not other"); return }
    }

    @Test func chatRoutesFollowMigrationsWithoutLooping() {
        let routes = ChatRoutes(blocked: [5], migrated: [-1: -2, -2: -3, -10: -11, -11: -10])
        #expect(routes.destination(of: -1) == -3)
        #expect(routes.destination(of: 5) == 5)
        #expect([-10, -11].contains(routes.destination(of: -10)))   // a cycle ends after a few hops
    }
}
