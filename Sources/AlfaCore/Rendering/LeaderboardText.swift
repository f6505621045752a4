import Foundation

/// The leaderboard and a trader's card as text: a compact, aligned table that reads well on
/// a phone (Telegram `<pre>`) and on a terminal. Money is rounded here, for display only.
public enum LeaderboardText {
    public enum Style: Sendable { case plain, telegramHTML }

    public static func table(_ rows: ArraySlice<LeaderboardRow>, window: TimeWindow, asOf: Int64,
                             eligible: Int, style: Style, title: String? = nil) -> String {
        let title = title ?? "Top \(rows.count) · \(window.rawValue) · \(eligible) eligible · \(utc(asOf))"
        guard !rows.isEmpty else {
            return wrapTitle(title, style) + "\nNo trader is eligible yet: traders need enough trades and volume in 30 days and recent activity."
        }
        var lines = [pad("#", 3) + " " + pad("trader", 11, left: true) + " " + pad("PnL $", 12) + " " + pad("win", 4) + " " + pad("score", 5)]
        for row in rows {
            lines.append([
                pad(String(row.rank), 3),
                pad(row.trader.short, 11, left: true),
                pad(FixedPoint.display(row.metrics.cleanPnL, decimals: 0, signed: true), 12),
                pad("\(Int((row.metrics.winRate * 100).rounded()))%", 4),
                pad(String(format: "%.1f", row.score), 5),
            ].joined(separator: " "))
        }
        let body = lines.joined(separator: "\n")
        switch style {
        case .plain: return title + "\n" + body
        case .telegramHTML: return "<b>\(escape(title))</b>\n<pre>\(escape(body))</pre>"
        }
    }

    /// One trader in every window, why they are or are not eligible, open positions at their
    /// marks and recent closes.
    public static func trader(_ trader: EVMAddress, metrics: [TimeWindow: TraderMetrics], ineligibility: [String],
                              rank: Int?, open: [ValuedPosition], exposure: OpenExposure = .none, recentCloses: [ClosedTrade],
                              uncertain: [(pairIndex: Int32, tradeIndex: Int32)] = [],
                              asOf: Int64, maxMarkAge: Int64 = 60, style: Style) -> String {
        var lines: [String] = []
        lines.append("window      PnL $  trades   win  maxDD   liq  sharpe")
        for window in TimeWindow.allCases {
            guard let m = metrics[window] else { continue }
            lines.append([
                pad(window.rawValue, 6, left: true),
                pad(FixedPoint.display(m.cleanPnL, decimals: 0, signed: true), 10),
                pad(String(m.trades), 7),
                pad("\(Int((m.winRate * 100).rounded()))%", 5),
                pad("\(Int((m.maxDrawdownPct * 100).rounded()))%", 6),
                pad(String(m.liquidations), 5),
                pad(String(format: "%.2f", m.sharpe), 7),
            ].joined(separator: " "))
        }
        lines.append("")
        lines.append(ineligibility.isEmpty ? "eligible\(rank.map { ", rank \($0) (30d)" } ?? "")"
                     : "not eligible: " + ineligibility.joined(separator: "; "))
        if !uncertain.isEmpty {
            let slots = uncertain.map { "\(PairCatalogue.builtIn.name(of: $0.pairIndex)) slot \($0.tradeIndex)" }
            lines.append("uncertain record: positions changed by events alfa cannot decode yet ("
                + slots.prefix(5).joined(separator: ", ") + (slots.count > 5 ? ", …" : "") + "); score halved")
        }
        lines.append("")
        let peak = metrics[.thirtyDays]?.peakCollateral ?? 0
        lines.append("open positions: \(open.count)" + (open.allSatisfy { $0.valuation == nil } ? "" : " · unrealized "
            + FixedPoint.display(exposure.unrealized, signed: true) + " USDC"
            + " · open risk \(Int((exposure.openRisk(peakCollateral: peak) * 100).rounded())) %"))
        for position in open.prefix(10) {
            lines.append("  " + position.line(now: asOf, maxAge: maxMarkAge))
        }
        lines.append("last closes:")
        for close in recentCloses {
            let funding = close.funding == 0 ? "" : " (funding " + FixedPoint.display(close.funding, decimals: 2, signed: true) + ")"
            lines.append("  \(utc(close.closedAt)) \(PairCatalogue.builtIn.name(of: close.pairIndex)) \(close.kind.rawValue) "
                + FixedPoint.display(close.netPnL, decimals: 2, signed: true) + funding)
        }
        let body = lines.joined(separator: "\n")
        let title = "Trader \(trader) · \(utc(asOf))"
        switch style {
        case .plain: return title + "\n" + body
        case .telegramHTML: return "<b>\(escape(title))</b>\n<pre>\(escape(body))</pre>"
        }
    }

    /// `2026-11-21 10:00 UTC`.
    static func utc(_ time: Int64) -> String {
        CivilDate.isoTime(unixSeconds: time).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    private static func wrapTitle(_ title: String, _ style: Style) -> String {
        style == .telegramHTML ? "<b>\(escape(title))</b>" : title
    }

    private static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + padding : padding + text
    }

    private static func escape(_ text: String) -> String { TelegramHTML.escape(text) }
}
