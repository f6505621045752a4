/// One message the bot sends: Telegram HTML, optionally inline buttons in rows, and optionally
/// a chart, sent as a photo after the text (the text goes out even when the chart cannot be drawn).
public struct ChatReply: Sendable, Equatable {
    public struct Button: Sendable, Equatable {
        public let title: String
        /// The `callback_data` Telegram hands back when the button is pressed (at most 64 bytes).
        public let data: String

        public init(title: String, data: String) {
            self.title = title
            self.data = data
        }

        public init(_ title: String, _ press: ButtonPress) {
            self.init(title: title, data: press.data)
        }
    }

    public var html: String
    /// Rows of buttons, top to bottom.
    public var keyboard: [[Button]]
    public var chart: EquityChart?

    public init(html: String, buttons: [Button] = [], chart: EquityChart? = nil) {
        self.html = html
        keyboard = buttons.isEmpty ? [] : [buttons]
        self.chart = chart
    }

    public init(html: String, keyboard: [[Button]], chart: EquityChart? = nil) {
        self.html = html
        self.keyboard = keyboard.filter { !$0.isEmpty }
        self.chart = chart
    }

    /// Every button, row after row (the console numbers them in this order).
    public var buttons: [Button] { keyboard.flatMap { $0 } }

    /// A reply from plain text, escaped for HTML.
    public static func plain(_ text: String) -> ChatReply {
        ChatReply(html: TelegramHTML.escape(text))
    }

    /// The same text without markup, for the console and for a resend after a parse error.
    public var plainText: String { TelegramHTML.plainText(html) }
}
