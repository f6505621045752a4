/// The bot's fixed texts. Replies with data (leaderboard, trader, status) have their own renderers.
public enum ChatReplies {
    public static func welcome(isAdmin: Bool) -> ChatReply {
        ChatReply(html: "<b>alfa</b> ranks every Avantis trader by clean, copyable PnL and copies the best.\n\n"
                  + help(isAdmin: isAdmin).html)
    }

    public static func help(isAdmin: Bool) -> ChatReply {
        var lines = [
            "<b>Commands</b>",
            "/alfa top50 [7d|30d|all] — the leaderboard in pages, with buttons (top1 … top100)",
            "/alfa trader 0xADDRESS|RANK|0xPREFIX — one trader's card and equity chart (/t3: rank 3)",
            "/watch 0x…|RANK · /unwatch 0x… · /watchlist — hear of a trader's opens, closes and liquidations",
            "/copy backtest 0x…|RANK [7d|30d|all] — what copying them with today's settings would have done",
            "/help — this list",
        ]
        if isAdmin {
            lines += [
                "",
                "<b>Admin</b>",
                "/status — service health",
                "/copy mode DRY|LIVE — simulated or real copying (LIVE asks to confirm)",
                "/copy status — copy engine state",
                "/copy follow 0x… · /copy unfollow 0x… · /copy list — the leaders copied",
                "/copy pause · /copy resume — skip leaders' new opens (their exits are still mirrored), or copy them again",
                "/copy pnl — the copy account's clean PnL and conversion, open positions at their marks, its equity chart",
                "/copy set 0x…|RANK key=value … — one leader's own size=USDC or ratio=R, maxpos, maxlev, pairs=ETH,BTC or !DOGE, sl, tp (reset: the defaults)",
                "/copy close ID|SYMBOL|all — close at market after a confirmation; allowed under the emergency stop (it only takes risk off)",
                "/notify [KIND on|silent|off] — which copy actions you hear of: opened, closed, skipped, failed (alerts always arrive)",
                "/emergency stop [reason] · /emergency start",
                "/breakers — circuit breakers · /breaker reset NAME",
                "/report daily|weekly — PnL, conversion, breakers, leaders, indexer",
            ]
        }
        return ChatReply(html: lines.joined(separator: "\n"))
    }

    /// The commands offered in Telegram's menu (`setMyCommands`): lowercase names, short descriptions.
    public static let menu: [(command: String, description: String)] = [
        ("alfa", "Leaderboard: /alfa top50 [7d|30d|all], /alfa trader 0x…|RANK"),
        ("watch", "Hear of a trader's trades: /watch 0x…|RANK"),
        ("watchlist", "The traders you watch"),
        ("help", "What this bot can do"),
        ("status", "Service health (admins)"),
        ("copy", "Copy mode DRY|LIVE and status (admins)"),
        ("emergency", "Emergency stop|start (admins)"),
        ("breakers", "Circuit breakers (admins)"),
        ("report", "Daily or weekly report (admins)"),
    ]

    public static func unknown(_ name: String) -> ChatReply {
        ChatReply(html: "I don't know \(TelegramHTML.escape(name)). /help lists the commands.")
    }

    public static func usage(_ line: String) -> ChatReply {
        ChatReply(html: "Usage: <code>\(TelegramHTML.escape(line))</code>")
    }

    public static func notAllowed(_ command: ChatCommand) -> ChatReply {
        ChatReply(html: "⛔ <code>\(TelegramHTML.escape(command.canonical))</code> is for admins only. The attempt was recorded.")
    }

    public static func rateLimited(waitSeconds: Int) -> ChatReply {
        .plain("One moment, please: you can ask for another report in \(waitSeconds) s.")
    }

    public static func notAvailableYet(_ command: ChatCommand) -> ChatReply {
        ChatReply(html: "<code>\(TelegramHTML.escape(command.canonical))</code> is not available yet: "
                  + "the execution-mode manager is not part of this version.")
    }

    public static let noLeaderboard = ChatReply.plain(
        "The leaderboard has not been computed yet: the indexer needs fills first. Try again in a minute.")

    public static func failed(_ what: String) -> ChatReply {
        .plain("Sorry, \(what) failed. The error is in the service log; try again shortly.")
    }

    // MARK: Confirmation of LIVE

    public static func confirmLive(token: String, lifetimeSeconds: Int) -> ChatReply {
        ChatReply(
            html: "⚠️ Switch copying to <b>LIVE</b>? Real orders will be signed and sent with the configured wallet.\n"
                + "This question expires in \(lifetimeSeconds) s.",
            buttons: [ChatReply.Button(title: "Confirm LIVE", data: ConfirmationBook.callbackData(token: token, confirm: true)),
                      ChatReply.Button(title: "Cancel", data: ConfirmationBook.callbackData(token: token, confirm: false))])
    }

    /// Asks before closing positions at market; `positions` are their lines, as /copy pnl shows them.
    public static func confirmClose(_ target: CloseTarget, positions: [String], token: String, lifetimeSeconds: Int) -> ChatReply {
        ChatReply(
            html: "⚠️ Close \(positions.count) position(s) at market?\n"
                + positions.map(TelegramHTML.escape).joined(separator: "\n")
                + "\nLIVE ones go to the relayer, even under the emergency stop (a close only takes risk off); DRY ones close at the mark.\n"
                + "This question expires in \(lifetimeSeconds) s.",
            buttons: [ChatReply.Button(title: "Close \(target == .all ? "all" : "it")", data: ConfirmationBook.callbackData(token: token, confirm: true)),
                      ChatReply.Button(title: "Cancel", data: ConfirmationBook.callbackData(token: token, confirm: false))])
    }

    public static func confirmation(_ resolution: ConfirmationBook.Resolution) -> String {
        switch resolution {
        case .confirmed: "Confirmed."
        case .cancelled(.goLive): "Cancelled: the mode is unchanged."
        case .cancelled(.close): "Cancelled: nothing was closed."
        case .expired: "This question expired: send the command again."
        case .unknown: "This question is no longer open."
        case .notYours: "Only the admin who asked can answer."
        }
    }
}
