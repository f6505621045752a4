import AlfaCore
import AlfaHTTP
import Foundation

/// The Bot API methods the bot uses: `POST {base}/bot{token}/{method}` with a JSON body.
/// The token lives only in the URL it builds; nothing it returns or throws contains it.
public struct BotAPIClient: Sendable {
    private let transport: any HTTPTransport
    private let base: String
    private let token: Secret
    private let connectTimeoutSeconds: Double

    public init(transport: any HTTPTransport, base: String, token: Secret, connectTimeoutSeconds: Double = 10) {
        self.transport = transport
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    public func getMe() async throws(BotAPIError) -> BotUser {
        try await call("getMe", Empty())
    }

    public func deleteWebhook() async throws(BotAPIError) {
        let _: Bool = try await call("deleteWebhook", ["drop_pending_updates": false])
    }

    public func setMyCommands(_ commands: [(command: String, description: String)]) async throws(BotAPIError) {
        struct Command: Encodable { let command: String; let description: String }
        struct Body: Encodable { let commands: [Command] }
        let _: Bool = try await call("setMyCommands", Body(commands: commands.map { Command(command: $0.command, description: $0.description) }))
    }

    /// The menu button beside the message field: opens `url` as a Mini App, or nil: the command list.
    public func setChatMenuButton(webApp url: String?, text: String) async throws(BotAPIError) {
        struct WebApp: Encodable { let url: String }
        struct Button: Encodable {
            let type: String
            let text: String?
            let web_app: WebApp?
        }
        struct Body: Encodable { let menu_button: Button }
        let button = url.map { Button(type: "web_app", text: text, web_app: WebApp(url: $0)) }
            ?? Button(type: "commands", text: nil, web_app: nil)
        let _: Bool = try await call("setChatMenuButton", Body(menu_button: button))
    }

    /// Long poll: the HTTP timeout is the poll's plus 10 s, so the server answers first.
    public func getUpdates(offset: Int64?, timeoutSeconds: Int, allowedUpdates: [String]) async throws(BotAPIError) -> [BotUpdate] {
        struct Body: Encodable {
            let offset: Int64?
            let timeout: Int
            let allowed_updates: [String]
        }
        return try await call("getUpdates", Body(offset: offset, timeout: timeoutSeconds, allowed_updates: allowedUpdates),
                              timeoutSeconds: Double(timeoutSeconds) + 10)
    }

    /// Sends one message (already under the length limit); returns its message id.
    /// `silent`: Telegram's `disable_notification`, the message arrives without a sound.
    @discardableResult
    public func sendMessage(chat: Int64, text: String, html: Bool, keyboard: [[ChatReply.Button]] = [],
                            silent: Bool = false) async throws(BotAPIError) -> Int64 {
        struct Body: Encodable {
            let chat_id: Int64
            let text: String
            let parse_mode: String?
            let link_preview_options: [String: Bool]
            let reply_markup: Markup?
            let disable_notification: Bool?
        }
        let body = Body(chat_id: chat, text: text, parse_mode: html ? "HTML" : nil,
                        link_preview_options: ["is_disabled": true], reply_markup: Markup(keyboard),
                        disable_notification: silent ? true : nil)
        let sent: Sent = try await call("sendMessage", body)
        return sent.message_id
    }

    /// Uploads a PNG as a photo (`multipart/form-data`), with an optional caption (at most 1,024
    /// characters after parsing) and buttons; returns the message id.
    @discardableResult
    public func sendPhoto(chat: Int64, png: [UInt8], fileName: String, caption: String?, html: Bool,
                          keyboard: [[ChatReply.Button]] = [], silent: Bool = false) async throws(BotAPIError) -> Int64 {
        var form = [HTTPRequest.FormPart(name: "chat_id", text: String(chat)),
                    HTTPRequest.FormPart(name: "photo", data: png, fileName: fileName, contentType: "image/png")]
        if let caption {
            form.append(HTTPRequest.FormPart(name: "caption", text: caption))
            if html { form.append(HTTPRequest.FormPart(name: "parse_mode", text: "HTML")) }
        }
        if silent { form.append(HTTPRequest.FormPart(name: "disable_notification", text: "true")) }
        if let markup = Markup(keyboard), let json = try? JSONEncoder().encode(markup) {
            form.append(HTTPRequest.FormPart(name: "reply_markup", data: Array(json)))
        }
        let sent: Sent = try await upload("sendPhoto", form: form, timeoutSeconds: 60)
        return sent.message_id
    }

    public func answerCallbackQuery(id: String, text: String?) async throws(BotAPIError) {
        struct Body: Encodable { let callback_query_id: String; let text: String? }
        let _: Bool = try await call("answerCallbackQuery", Body(callback_query_id: id, text: text?.isEmpty == true ? nil : text))
    }

    /// Replaces a message's text (HTML) and its buttons; without buttons the keyboard goes away.
    /// An edit that changes nothing is not an error ("message is not modified").
    public func editMessageText(chat: Int64, messageID: Int64, html: String, keyboard: [[ChatReply.Button]] = []) async throws(BotAPIError) {
        struct Body: Encodable {
            let chat_id: Int64
            let message_id: Int64
            let text: String
            let parse_mode: String
            let link_preview_options: [String: Bool]
            let reply_markup: Markup?
        }
        do {
            let _: AnyResult = try await call("editMessageText", Body(chat_id: chat, message_id: messageID, text: html, parse_mode: "HTML",
                                                                      link_preview_options: ["is_disabled": true], reply_markup: Markup(keyboard)))
        } catch .badRequest(let description) where description.contains("message is not modified") {
            return
        }
    }

    private struct Markup: Encodable {
        struct Button: Encodable { let text: String; let callback_data: String }
        let inline_keyboard: [[Button]]

        init?(_ keyboard: [[ChatReply.Button]]) {
            guard !keyboard.isEmpty else { return nil }
            inline_keyboard = keyboard.map { $0.map { Button(text: $0.title, callback_data: $0.data) } }
        }
    }

    private struct Sent: Decodable { let message_id: Int64 }

    // MARK: Transport

    private struct Empty: Encodable {}
    /// A result whose content is not needed (a Message or `true`).
    private struct AnyResult: Decodable { init(from decoder: any Decoder) throws {} }

    private func call<Result: Decodable>(_ method: String, _ body: some Encodable,
                                         timeoutSeconds: Double = 30) async throws(BotAPIError) -> Result {
        let payload: Data
        do { payload = try JSONEncoder().encode(body) } catch { throw .malformedResponse("cannot encode \(method)") }
        let request = HTTPRequest(method: "POST", url: "\(base)/bot\(token.value)/\(method)",
                                  headers: ["Content-Type": "application/json"], body: Array(payload),
                                  connectTimeoutSeconds: connectTimeoutSeconds, timeoutSeconds: timeoutSeconds)
        return try await perform(method, request)
    }

    private func upload<Result: Decodable>(_ method: String, form: [HTTPRequest.FormPart],
                                         timeoutSeconds: Double) async throws(BotAPIError) -> Result {
        var request = HTTPRequest(method: "POST", url: "\(base)/bot\(token.value)/\(method)",
                                  connectTimeoutSeconds: connectTimeoutSeconds, timeoutSeconds: timeoutSeconds)
        request.form = form
        return try await perform(method, request)
    }

    private func perform<Result: Decodable>(_ method: String, _ request: HTTPRequest) async throws(BotAPIError) -> Result {
        let response: HTTPResponse
        do { response = try await transport.send(request) } catch { throw .transport(error) }

        return try BotAPIResponse.result(of: method, status: response.status, headers: response.headers,
                                         body: response.body, redacting: token)
    }
}
