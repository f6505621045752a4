import AlfaCore
import AlfaTelegram
import Logging

/// Where the service's components raise admin alerts. Every alert is logged; with a bot it
/// is also persisted and sent to each admin's private chat and to TELEGRAM_ALERT_CHAT_IDS;
/// the console chat prints it.
public final class AlertCenter: Sendable {
    public typealias Severity = AdminAlert.Severity

    private let deliver: @Sendable (String, EquityChart?) async -> Void
    private let logger: Logger

    init(logger: Logger, deliver: @escaping @Sendable (String, EquityChart?) async -> Void) {
        self.deliver = deliver
        self.logger = logger
    }

    /// Alerts that only reach the log (no bot configured).
    public static func logOnly(_ logger: Logger) -> AlertCenter {
        AlertCenter(logger: logger) { _, _ in }
    }

    static func telegram(queue: OutboundQueue, chats: [Int64], charts: ChartDelivery, logger: Logger) -> AlertCenter {
        AlertCenter(logger: logger) { html, chart in await queue.alert(html, to: chats, photo: await charts.photo(for: chart)) }
    }

    /// Prints alerts; a chart is written to a file whose path is printed.
    public static func console(_ write: @escaping @Sendable (String) -> Void, logger: Logger) -> AlertCenter {
        let charts = ChartDelivery(logger: logger)
        return AlertCenter(logger: logger) { html, chart in
            write(TelegramHTML.plainText(html))
            if let path = await charts.file(for: chart, in: ChartDelivery.consoleDirectory) { write("chart: \(path)") }
        }
    }

    /// A message already rendered (a scheduled report), sent as it is, with its chart.
    public func post(_ html: String, chart: EquityChart? = nil, logAs title: String) async {
        logger.notice("sent to admins: \(title)")
        await deliver(html, chart)
    }

    public func raise(_ alert: AdminAlert) async {
        await raise(alert.severity, alert.title, detail: alert.detail, action: alert.action)
    }

    /// `title` and `detail` are plain text; `action` says how to fix or reset.
    public func raise(_ severity: Severity, _ title: String, detail: String, action: String? = nil) async {
        logger.log(level: severity == .critical ? .critical : severity == .warning ? .warning : .notice,
                   "alert: \(title)", metadata: ["detail": "\(detail)", "action": "\(action ?? "")"])
        let icon = severity == .critical ? "🛑" : severity == .warning ? "⚠️" : "ℹ️"
        var html = "\(icon) <b>\(TelegramHTML.escape(title))</b>\n\(TelegramHTML.escape(detail))"
        if let action { html += "\n<i>\(TelegramHTML.escape(action))</i>" }
        await deliver(html, nil)
    }
}
