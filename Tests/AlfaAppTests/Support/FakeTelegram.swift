import AlfaCore
import AlfaHTTP
import Foundation
import Logging
import Synchronization

/// The loopback Bot API server (`commands/lib/telegram/fake_bot_api.py`) for one test.
final class FakeTelegram: @unchecked Sendable {
    static let token = "7000000001:AAH-test-token-never-in-logs"
    private let process: Process
    let base: String
    private let http = CurlHTTPClient(name: "fake-telegram")

    init(token: String = FakeTelegram.token) async throws {
        struct Announcement: Decodable { let port: Int }
        let (process, announcement) = try await PeerProcess.launch("telegram/fake_bot_api.py", ["--token", token], as: Announcement.self)
        self.process = process
        base = "http://127.0.0.1:\(announcement.port)"
    }

    deinit { process.terminate() }

    struct Sent: Decodable, Sendable {
        struct Markup: Decodable, Sendable {
            struct Button: Decodable, Sendable { let text: String; let callback_data: String }
            let inline_keyboard: [[Button]]
        }
        let chat_id: Int64
        let text: String
        let visible: String
        let parse_mode: String?
        let reply_markup: Markup?
        let t: Double
        let message_id: Int64
        /// Sent with disable_notification.
        let silent: Bool
        /// A sendPhoto (its caption is the text).
        let photo: Bool?
    }

    struct Request: Decodable, Sendable {
        struct Body: Decodable, Sendable {
            let text: String?
            let chat_id: Int64?
            let offset: Int64?
        }
        let method: String
        let t: Double
        let body: Body
    }

    struct State: Decodable, Sendable {
        let pending: [Int64]
        let webhook: String?
        let allowed_updates: [String]?
        let flood_violations: Int
        let menu_button: MenuButton?
    }

    struct MenuButton: Decodable, Sendable {
        struct WebApp: Decodable, Sendable { let url: String }
        let type: String
        let text: String?
        let web_app: WebApp?
    }

    @discardableResult
    func control<Result: Decodable>(_ action: String, _ body: String = "{}", as: Result.Type = Bool.self) async throws -> Result {
        let response = try await http.send(HTTPRequest(method: "POST", url: "\(base)/control/\(action)",
                                                       headers: ["Content-Type": "application/json"], body: Array(body.utf8)))
        return try JSONDecoder().decode(ControlEnvelope<Result>.self, from: Data(response.body)).result
    }

    /// A text message from `user` in `chat` (their private chat by default); returns the update id.
    @discardableResult
    func say(_ text: String, from user: Int64, in chat: Int64? = nil) async throws -> Int64 {
        let body = try JSONSerialization.data(withJSONObject: ["updates": [["text": text, "user": user, "chat": chat ?? user]]])
        return try await control("push", String(decoding: body, as: UTF8.self), as: [Int64].self)[0]
    }

    func push(_ updatesJSON: String) async throws {
        try await control("push", #"{"updates":\#(updatesJSON)}"#, as: [Int64].self)
    }

    func press(_ data: String, by user: Int64, messageID: Int64) async throws {
        try await push(#"[{"callback":{"user":\#(user),"data":"\#(data)","message_id":\#(messageID)}}]"#)
    }

    func fail(_ method: String, status: Int, description: String, parameters: String = "null", count: Int = 1) async throws {
        try await control("fail", #"{"method":"\#(method)","status":\#(status),"description":"\#(description)","parameters":\#(parameters),"count":\#(count)}"#)
    }

    struct Photo: Decodable, Sendable {
        let chat_id: Int64
        let width: Int
        let height: Int
        let bytes: Int
        let caption: String
        let png: String
        let message_id: Int64
        let reply_markup: Sent.Markup?

        /// The PNG as received, its size read again here from its IHDR chunk.
        var decodedSize: (width: Int, height: Int)? {
            guard let data = Data(base64Encoded: png), data.count > 24 else { return nil }
            let bytes = [UInt8](data)
            guard bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
                  String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
            func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (word(16), word(20))
        }
    }

    struct Edit: Decodable, Sendable {
        let chat_id: Int64
        let message_id: Int64
        let visible: String
        let reply_markup: Sent.Markup?
    }

    struct Answer: Decodable, Sendable {
        let text: String?
    }

    func sent() async throws -> [Sent] { try await control("sent", as: [Sent].self) }
    func photos() async throws -> [Photo] { try await control("photos", as: [Photo].self) }
    func edits() async throws -> [Edit] { try await control("edits", as: [Edit].self) }
    func answers() async throws -> [Answer] { try await control("answers", as: [Answer].self) }

    /// Polls `read` until `condition` holds or `seconds` pass; returns the last value read.
    func waitFor<T: Sendable>(_ read: () async throws -> T, seconds: Double = 20, until condition: (T) -> Bool) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let value = try await read()
            if condition(value) || Date() > deadline { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
    func requests() async throws -> [Request] { try await control("requests", as: [Request].self) }
    func state() async throws -> State { try await control("state", as: State.self) }

    /// Waits until `condition` holds for the messages sent so far (or fails after `seconds`).
    func waitForSent(atLeast count: Int, seconds: Double = 20, where filter: @escaping (Sent) -> Bool = { _ in true }) async throws -> [Sent] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let matching = try await sent().filter(filter)
            if matching.count >= count || Date() > deadline { return matching }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

private struct ControlEnvelope<Result: Decodable>: Decodable { let result: Result }

/// Every log line a test's components write, to check what they say and what they never say.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "test.telegram") { label in CaptureHandler(label: label, capture: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    struct CaptureHandler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { _, new in new }.map { "\($0.key)=\($0.value)" }.sorted()
            capture.append("\(event.level) \(label): \(event.message) \(fields.joined(separator: " "))")
        }
    }
}
