extension ChatReplies {
    /// The words for what an admin command did (`ExecutionControl`'s outcomes).
    public static func render(_ outcome: ControlOutcome) -> ChatReply {
        switch outcome {
        case .modeChanged(let mode):
            return .plain(mode == .live
                ? "Copy mode is now LIVE: leader trades are signed as intents and submitted to the Avantis relayer."
                : "Copy mode is now DRY: copies are simulated.")
        case .liveRefused(let why):
            return .plain("LIVE refused: \(why)")
        case .refused(let why):
            return .plain("Refused: \(why)")
        case .stopEngaged(let accepted):
            var text = "🛑 Emergency stop engaged: no copy order will be submitted. /emergency start clears it (mode stays DRY)."
            if accepted > 0 {
                // Submitted before the stop: the relayer executes them anyway.
                text += "\n\(accepted) order(s) the relayer had already accepted may still execute: "
                    + "they cannot be recalled; /copy pnl shows how they end."
            }
            return .plain(text)
        case .stopCleared:
            return .plain("Emergency stop cleared. Mode is DRY: /copy mode LIVE (with confirmation) to trade for real again.")
        case .copyStatus(let status):
            let performance = status.performance
            let wallet = status.wallet.map { "\n<b>Wallet</b>: <code>\(TelegramHTML.escape($0))</code>" } ?? ""
            return ChatReply(html: """
                <b>Copy engine</b>: \(status.state.emergencyStop ? "🛑 STOPPED" : status.state.mode.rawValue) · \
                \(status.leaders) leader(s) · \(performance.openPositions) open position(s) · \
                \(performance.active) order(s) in flight\(wallet)
                Signals \(performance.signals) → orders \(performance.orders) → fills \(performance.filled) \
                (skipped \(performance.skipped), failed \(performance.failed))
                """)
        case .following(let leader):
            return .plain("Following \(leader): its next trades are copied.")
        case .unfollowed(let leader):
            return .plain("No longer following \(leader). Positions already copied still follow its closes.")
        case .leaders(let leaders, let own):
            guard !leaders.isEmpty else { return .plain("No leaders: set COPY_LEADERS or COPY_AUTO_TOP_K, or /copy follow 0xADDRESS.") }
            return ChatReply(html: "<b>Leaders copied</b> (\(leaders.count))\n"
                + leaders.map { "<code>\($0)</code> · " + TelegramHTML.escape(own[$0]?.description ?? "defaults") }.joined(separator: "\n"))
        case .noSuchTrader(let reference, let miss):
            return reference.reply(for: miss)
        case .leaderSettingsInvalid(let invalid):
            return .plain(invalid.description)
        case .leaderSettings(let leader, let settings, let changed, let copied):
            return .plain("\(leader) \(changed ? "now has" : "has") \(settings.isEmpty ? "the defaults" : settings.description)"
                + (settings.isEmpty ? "" : "; anything else comes from the environment")
                + (copied ? "." : ". It is not copied now: /copy follow \(leader) to copy it."))
        case .account(let performance, let open, let now):
            let chart = performance.chart(title: "Copy account · equity", start: nil, end: now,
                                          unrealized: open.lines.isEmpty ? nil : open.unrealized)
            return ChatReply(html: performance.html + "\n" + open.html(realized: performance.realizedPnL), chart: chart)
        case .closing(let closes):
            return .plain("Closing \(closes.count) position(s) at market:\n" + closes.joined(separator: "\n"))
        case .nothingToClose(let target):
            return .plain("Nothing to close: no open copy position matches \(target) (see /copy pnl).")
        case .report(let report):
            return ChatReply(html: report.html, chart: report.chart)
        case .breakers(let breakers):
            let lines = breakers.map { breaker in
                "\(breaker.isOpen ? "🔴" : (breaker.reading.tripped ? "🟠" : "🟢")) <b>\(breaker.reading.name.rawValue)</b>: "
                    + TelegramHTML.escape(breaker.reading.detail) + (breaker.isOpen ? " — <b>open</b>" : "")
            }
            return ChatReply(html: "<b>Circuit breakers</b>\n" + lines.joined(separator: "\n"))
        case .breakerReset(let name, let wasOpen):
            return .plain(wasOpen
                ? "Breaker \(name.rawValue) reset; its window starts afresh. The emergency stop stays until /emergency start."
                : "Breaker \(name.rawValue) was not open; its window starts afresh.")
        case .paused(let paused):
            return .plain(paused
                ? "⏸ Copying paused: leaders' new opens are skipped; their exits are still mirrored. /copy resume undoes it."
                : "▶️ Copying resumed: leaders' new opens are copied again.")
        case .failed(let what):
            return failed(what)
        }
    }
}
