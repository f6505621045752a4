@testable import AlfaCore
import Testing

/// The control layer says what it did as values; these are the words the chat shows for them.
@Suite("Chat: the words for an admin command's outcome")
struct ControlOutcomeTests {
    static let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
    static let drawdown = BreakerReading(name: .drawdown, value: 17, threshold: 15, tripped: true, detail: "17.0 % from peak (max 15.0 %)")

    @Test(arguments: [
        (ControlOutcome.modeChanged(.dry), "Copy mode is now DRY: copies are simulated."),
        (.modeChanged(.live), "Copy mode is now LIVE: leader trades are signed as intents and submitted to the Avantis relayer."),
        (.liveRefused("no wallet"), "LIVE refused: no wallet"),
        (.refused("the emergency stop is engaged"), "Refused: the emergency stop is engaged"),
        (.stopEngaged(alreadyAccepted: 0),
         "🛑 Emergency stop engaged: no copy order will be submitted. /emergency start clears it (mode stays DRY)."),
        (.stopEngaged(alreadyAccepted: 2),
         "🛑 Emergency stop engaged: no copy order will be submitted. /emergency start clears it (mode stays DRY).\n"
            + "2 order(s) the relayer had already accepted may still execute: they cannot be recalled; /copy pnl shows how they end."),
        (.stopCleared, "Emergency stop cleared. Mode is DRY: /copy mode LIVE (with confirmation) to trade for real again."),
        (.following(leader), "Following 0x00000000000000000000000000000000000000a1: its next trades are copied."),
        (.leaders([], own: [:]), "No leaders: set COPY_LEADERS or COPY_AUTO_TOP_K, or /copy follow 0xADDRESS."),
        (.leaders([leader], own: [:]), "Leaders copied (1)\n0x00000000000000000000000000000000000000a1 · defaults"),
        (.leaderSettings(leader, LeaderSettings(), changed: false, copied: true), "0x00000000000000000000000000000000000000a1 has the defaults."),
        (.closing(["#3 ETH/USD short", "#4 BTC/USD long"]), "Closing 2 position(s) at market:\n#3 ETH/USD short\n#4 BTC/USD long"),
        (.nothingToClose(.all), "Nothing to close: no open copy position matches all (see /copy pnl)."),
        (.breakers([BreakerState(drawdown, isOpen: true)]), "Circuit breakers\n🔴 drawdown: 17.0 % from peak (max 15.0 %) — open"),
        (.breakerReset(.drawdown, wasOpen: false), "Breaker drawdown was not open; its window starts afresh."),
        (.paused(false), "▶️ Copying resumed: leaders' new opens are copied again."),
        (.failed("the close"), "Sorry, the close failed. The error is in the service log; try again shortly."),
    ])
    func eachOutcomeInWords(outcome: ControlOutcome, words: String) {
        #expect(ChatReplies.render(outcome).plainText == words)
    }

    @Test func theCopyStatusShowsTheStopBeforeTheMode() {
        let stopped = ExecutionState(mode: .live, emergencyStop: true, changedBy: .environment, changedAt: 0, reason: nil)
        let text = ChatReplies.render(.copyStatus(CopyStatus(state: stopped, leaders: 2, performance: CopyPerformance(), wallet: "0xabc <key file>"))).html
        #expect(text.hasPrefix("<b>Copy engine</b>: 🛑 STOPPED · 2 leader(s)"))
        #expect(text.contains("<code>0xabc &lt;key file&gt;</code>"))   // escaped
    }

    @Test func anUnknownTraderIsSaidAsTheLookupSaysIt() {
        let reference = TraderReference.rank(7)
        #expect(ChatReplies.render(.noSuchTrader(reference, .notFound)) == reference.reply(for: .notFound))
    }
}
