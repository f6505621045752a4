/// `/alfa topN` in the chat: pages of ten rows, with buttons to open a row's card, to turn the
/// page and to change the window. Pressing one edits the same message.
public enum BoardPage {
    public static let size = 10
    static let ranksPerRow = 5

    public static func pageCount(_ count: Int) -> Int { max(1, (count + size - 1) / size) }

    /// `rows`: the board's first `count` rows (fewer when fewer are eligible); `page` from 0.
    public static func reply(_ rows: [LeaderboardRow], snapshot: Int64, window: TimeWindow, count: Int, page: Int,
                             asOf: Int64, eligible: Int) -> ChatReply {
        let pages = pageCount(min(count, max(rows.count, 1)))
        let page = min(max(page, 0), pages - 1)
        let shown = rows.dropFirst(page * size).prefix(size)
        let title = "Top \(count) · \(window.rawValue) · \(eligible) eligible · \(LeaderboardText.utc(asOf))"
            + (pages > 1 ? " · page \(page + 1)/\(pages)" : "")
        var html = LeaderboardText.table(shown, window: window, asOf: asOf, eligible: eligible, style: .telegramHTML, title: title)
        if !shown.isEmpty {
            html += "\nTap a rank for the card, or send /t3 (30d ranks) or /alfa trader 0x6224…"
        }
        var keyboard: [[ChatReply.Button]] = stride(from: 0, to: shown.count, by: ranksPerRow).map { start in
            shown.dropFirst(start).prefix(ranksPerRow).map {
                ChatReply.Button("#\($0.rank)", .open(snapshot: snapshot, window: window, count: count, rank: $0.rank))
            }
        }
        if pages > 1 {
            var turn: [ChatReply.Button] = []
            if page > 0 { turn.append(ChatReply.Button("◀ \(page * size - size + 1)–\(page * size)", .board(snapshot: snapshot, window: window, count: count, page: page - 1))) }
            if page < pages - 1 {
                let last = min((page + 2) * size, rows.count)
                turn.append(ChatReply.Button("\((page + 1) * size + 1)–\(last) ▶", .board(snapshot: snapshot, window: window, count: count, page: page + 1)))
            }
            keyboard.append(turn)
        }
        keyboard.append(TimeWindow.allCases.map {
            ChatReply.Button($0 == window ? "· \($0.rawValue) ·" : $0.rawValue, .board(snapshot: snapshot, window: $0, count: count, page: 0))
        })
        return ChatReply(html: html, keyboard: keyboard)
    }

    /// The buttons under a trader's card: Chart, Watch (or Unwatch) and Backtest for everyone,
    /// Follow for admins.
    public static func cardKeyboard(_ trader: EVMAddress, window: TimeWindow = .thirtyDays, watching: Bool, isAdmin: Bool) -> [[ChatReply.Button]] {
        var row = [
            ChatReply.Button("📈 Chart", .chart(trader, window)),
            watching ? ChatReply.Button("Unwatch", .unwatch(trader)) : ChatReply.Button("👁 Watch", .watch(trader)),
            ChatReply.Button("Backtest", .backtest(trader)),
        ]
        if isAdmin { row.append(ChatReply.Button("Follow", .follow(trader))) }
        return [row]
    }
}
