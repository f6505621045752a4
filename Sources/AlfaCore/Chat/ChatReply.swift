/// One message the bot sends: Telegram HTML, and optionally one row of inline buttons.
public struct ChatReply: Sendable, Equatable {
    public struct Button: Sendable, Equatable {
        public let title: String
        /// The `callback_data` Telegram hands back when the button is pressed.
        public let data: String

        public init(title: String, data: String) {
            self.title = title
            self.data = data
        }
    }

    public var html: String
    public var buttons: [Button]

    public init(html: String, buttons: [Button] = []) {
        self.html = html
        self.buttons = buttons
    }

    /// A reply from plain text, escaped for HTML.
    public static func plain(_ text: String) -> ChatReply {
        ChatReply(html: TelegramHTML.escape(text))
    }

    /// The same text without markup, for the console and for a resend after a parse error.
    public var plainText: String { TelegramHTML.plainText(html) }
}
