/// The web leaderboard: server-rendered HTML, readable on a phone, no script. The same figures
/// as the chat's board and card; the pages are what the bot's menu button opens as a Mini App.
public enum WebPages {
    /// One trader's page, from what the card shows.
    public struct TraderPage: Sendable {
        public var trader: EVMAddress
        public var asOf: Int64
        public var rank: Int?
        public var ineligibility: [String]
        public var metrics: [TimeWindow: TraderMetrics]
        public var scores: [TimeWindow: Double]
        public var open: [ValuedPosition]
        public var recentCloses: [ClosedTrade]
        public var maxMarkAge: Int64

        public init(trader: EVMAddress, asOf: Int64, rank: Int?, ineligibility: [String], metrics: [TimeWindow: TraderMetrics],
                    scores: [TimeWindow: Double], open: [ValuedPosition], recentCloses: [ClosedTrade], maxMarkAge: Int64) {
            self.trader = trader
            self.asOf = asOf
            self.rank = rank
            self.ineligibility = ineligibility
            self.metrics = metrics
            self.scores = scores
            self.open = open
            self.recentCloses = recentCloses
            self.maxMarkAge = maxMarkAge
        }
    }

    /// `/`: the ranked rows of one window, each linking to the trader's page.
    public static func leaderboard(_ rows: [LeaderboardRow], window: TimeWindow, asOf: Int64?, eligible: Int) -> String {
        var body = "<header><h1>alfa · leaderboard</h1>\n<nav>"
            + TimeWindow.allCases.map { other in
                other == window ? "<b>\(other.rawValue)</b>" : "<a href=\"/?window=\(other.rawValue)\">\(other.rawValue)</a>"
            }.joined(separator: " · ") + "</nav>\n"
        guard let asOf else {
            body += "<p>No leaderboard yet: alfa serve computes one every LEADER_REFRESH_SECONDS.</p></header>"
            return page(title: "alfa · leaderboard", body: body)
        }
        body += "<p class=\"meta\">Clean PnL net of fees, ranked by copyability · \(window.rawValue) · as of \(CivilDate.isoTime(unixSeconds: asOf))"
            + " · \(eligible) eligible</p></header>\n"
        guard !rows.isEmpty else {
            return page(title: "alfa · leaderboard \(window.rawValue)", body: body + "<p>Nobody is eligible in this window yet.</p>")
        }
        body += "<table id=\"leaderboard\">\n<thead><tr><th>#</th><th>Trader</th><th>Score</th><th>Clean PnL</th>"
            + "<th class=\"wide\">Win rate</th><th class=\"wide\">Trades</th><th class=\"wide\">Max DD</th><th class=\"wide\">Avg lev</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let m = row.metrics
            body += "<tr><td>\(row.rank)</td><td><a class=\"trader\" href=\"/traders/\(m.trader)\">\(m.trader.short)</a></td>"
                + "<td>\(decimal(row.score, 1))</td><td class=\"\(tone(m.cleanPnL))\">\(FixedPoint.display(m.cleanPnL, decimals: 0, signed: true))</td>"
                + "<td class=\"wide\">\(decimal(m.winRate * 100, 0)) %</td><td class=\"wide\">\(m.trades)</td>"
                + "<td class=\"wide\">\(decimal(m.maxDrawdownPct, 1)) %</td><td class=\"wide\">×\(decimal(m.averageLeverage, 1))</td></tr>\n"
        }
        body += "</tbody></table>\n<p class=\"meta\">USDC. <a href=\"/api/v1/leaderboard?window=\(window.rawValue)\">JSON</a> · <a href=\"/openapi.json\">API</a></p>"
        return page(title: "alfa · leaderboard \(window.rawValue)", body: body)
    }

    /// `/traders/ADDRESS`: the card, with the equity chart at `chartPath`.
    public static func trader(_ card: TraderPage, chartPath: String) -> String {
        let trader = card.trader
        var body = "<header><p><a href=\"/\">← leaderboard</a></p><h1 id=\"trader\">\(trader.short)</h1>\n"
            + "<p class=\"meta address\">\(trader)</p>\n<p class=\"meta\">"
            + (card.rank.map { "Rank <b>#\($0)</b> (30d)" } ?? "Not ranked")
            + " · as of \(CivilDate.isoTime(unixSeconds: card.asOf))</p>"
        if !card.ineligibility.isEmpty {
            body += "<p class=\"meta\">Not eligible: \(escape(card.ineligibility.joined(separator: "; ")))</p>"
        }
        body += "</header>\n<img class=\"chart\" src=\"\(chartPath)\" alt=\"equity over 30 days\" width=\"1200\" height=\"675\">\n"
        body += "<h2>Figures</h2>\n<table id=\"windows\"><thead><tr><th>Window</th><th>Clean PnL</th><th>Trades</th><th>Win rate</th>"
            + "<th class=\"wide\">Max DD</th><th class=\"wide\">Sharpe</th><th>Score</th></tr></thead>\n<tbody>\n"
        for window in TimeWindow.allCases {
            guard let m = card.metrics[window] else { continue }
            body += "<tr><td>\(window.rawValue)</td><td class=\"\(tone(m.cleanPnL))\">\(FixedPoint.display(m.cleanPnL, signed: true))</td>"
                + "<td>\(m.trades)</td><td>\(decimal(m.winRate * 100, 0)) %</td><td class=\"wide\">\(decimal(m.maxDrawdownPct, 1)) %</td>"
                + "<td class=\"wide\">\(decimal(m.sharpe, 2))</td><td>\(decimal(card.scores[window] ?? 0, 1))</td></tr>\n"
        }
        body += "</tbody></table>\n<h2>Open positions</h2>\n"
        if card.open.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += "<ul id=\"open\">\n" + card.open.map { "<li>\(escape($0.line(now: card.asOf, maxAge: card.maxMarkAge)))</li>" }.joined(separator: "\n")
                + "\n</ul>\n"
        }
        body += "<h2>Last closes</h2>\n"
        if card.recentCloses.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += "<table id=\"closes\"><thead><tr><th>When</th><th>Pair</th><th>Side</th><th>Net PnL</th><th class=\"wide\">Fees</th></tr></thead>\n<tbody>\n"
            for close in card.recentCloses {
                body += "<tr><td>\(CivilDate.isoTime(unixSeconds: close.closedAt))</td><td>\(escape(PairCatalogue.builtIn.name(of: close.pairIndex)))</td>"
                    + "<td>\(close.isLong ? "long" : "short")\(close.kind == .liquidation ? " 💥" : "")</td>"
                    + "<td class=\"\(tone(close.netPnL))\">\(FixedPoint.display(close.netPnL, signed: true))</td>"
                    + "<td class=\"wide\">\(FixedPoint.display(close.fees))</td></tr>\n"
            }
            body += "</tbody></table>\n"
        }
        body += "<p class=\"meta\">USDC. <a href=\"/api/v1/traders/\(trader)\">JSON</a></p>"
        return page(title: "alfa · \(trader.short)", body: body)
    }

    /// A page of its own for a 404 or a bad address, so a Mini App never shows a bare error.
    public static func message(title: String, _ text: String) -> String {
        page(title: "alfa · \(title)", body: "<header><p><a href=\"/\">← leaderboard</a></p><h1>\(escape(title))</h1></header><p>\(escape(text))</p>")
    }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static let style = """
        body{font:16px/1.4 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#111;background:#fff}
        h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin-top:1.4em}
        .meta{color:#555;font-size:.9em}.address{word-break:break-all}
        table{border-collapse:collapse;width:100%}th,td{padding:6px 4px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
        th:nth-child(2),td:nth-child(2),th:first-child,td:first-child{text-align:left}
        a{color:#0b5cad;text-decoration:none}.pos{color:#137333}.neg{color:#b3261e}
        img.chart{width:100%;height:auto;margin:8px 0}ul{padding-left:1.2em}
        @media (max-width:600px){.wide{display:none}body{font-size:15px;padding:8px}}
        @media (prefers-color-scheme:dark){body{background:#111;color:#eee}.meta{color:#aaa}a{color:#8ab4f8}th,td{border-color:#333}}
        """

    static func tone(_ value: Int64) -> String { value > 0 ? "pos" : value < 0 ? "neg" : "" }

    static func decimal(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = Int64((value * scale).rounded())
        return FixedPoint.format(rounded, scale: places, minimumFractionDigits: places)
    }

    /// HTML text and double-quoted attributes (the only kind these pages write): Telegram's
    /// HTML reserves the same four characters.
    public static func escape(_ text: String) -> String { TelegramHTML.escape(text) }
}
