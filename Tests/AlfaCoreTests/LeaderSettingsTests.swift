@testable import AlfaCore
import Testing

@Suite("Per-leader settings (/copy set)")
struct LeaderSettingsTests {
    static func settings() -> CopyPolicy { .defaults }

    static func parse(_ words: String, over base: LeaderSettings = LeaderSettings()) -> Result<LeaderSettings, LeaderSettings.Invalid> {
        base.setting(words.split(separator: " ").map(String.init))
    }

    var leader = FillFactory(trader: 7)
    let now: Int64 = 1_800_000_100
    let usdc = FillFactory.usdc
    let x = FillFactory.x

    @Test func everyKeyParsesAndTheCanonicalTextReadsBack() throws {
        let parsed = try Self.parse("size=50 maxpos=2 maxlev=5 pairs=eth,BTC sl=20 tp=off").get()
        #expect(parsed.collateral == 50 * usdc && parsed.sizeRatio == nil && parsed.maxPositions == 2 && parsed.maxLeverage == 5 * x)
        #expect(parsed.pairs == .only([0, 1]) && parsed.stopLoss == .bps(2_000) && parsed.takeProfit == .off)
        #expect(parsed.description == "size=50 maxpos=2 maxlev=5 pairs=ETH,BTC sl=20 tp=off")
        #expect(LeaderSettings(canonical: parsed.description) == parsed)
        // Later words win; size and ratio exclude each other.
        let ratio = try Self.parse("ratio=0.1 pairs=!SOL", over: parsed).get()
        #expect(ratio.collateral == nil && ratio.sizeRatio == 100_000 && ratio.pairs == .except([2]))
        #expect(ratio.description == "ratio=0.1 maxpos=2 maxlev=5 pairs=!SOL sl=20 tp=off")
        #expect(LeaderSettings().description == "defaults" && LeaderSettings().isEmpty)
    }

    @Test func aBadValueNamesTheKeyAndWhatItExpects() {
        let cases: [(String, String)] = [
            ("size=0", "size=0: expected USDC from 1 to 1,000,000. "),
            ("size=abc", "size=abc: expected USDC from 1 to 1,000,000. "),
            ("ratio=11", "ratio=11: expected a ratio from 0.000001 to 10. "),
            ("maxpos=1.5", "maxpos=1.5: expected a whole number from 1 to 1,000. "),
            ("maxlev=600", "maxlev=600: expected a leverage from 1 to 500. "),
            ("pairs=DOGGO", "pairs=DOGGO: \"DOGGO\" is not an Avantis pair. "),
            ("pairs=!", "pairs=!: expected pair symbols. "),
            ("sl=90", "sl=90: expected a percent from 1 to 85, or off. "),
            ("tp=0.5", "tp=0.5: expected a percent from 1 to 1,000, or off. "),
            ("lev=5", "\"lev\" is not a setting. "),
            ("size", "\"size\" is not key=value. "),
            ("size=", "\"size=\" is not key=value. "),
        ]
        for (words, expected) in cases {
            guard case .failure(let invalid) = Self.parse(words) else { Issue.record("\(words) parsed"); continue }
            #expect(invalid.description == expected + LeaderSettings.usage, "\(words)")
        }
    }

    @Test func theCommandTakesAnAddressOrARank() {
        let parser = CommandParser(botUsername: nil)
        let address = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
        #expect(parser.parse("/copy set 0x00000000000000000000000000000000000000A1 size=50 pairs=BTC")
                == .command(.copySet(.address(address), .assign(["size=50", "pairs=BTC"]))))
        #expect(parser.parse("/copy set 3") == .command(.copySet(.rank(3), .show)))
        #expect(parser.parse("/copy set #3 reset") == .command(.copySet(.rank(3), .reset)))
        #expect(parser.parse("/copy set 0 size=5") == .usage(LeaderSettings.usage))
        #expect(parser.parse("/copy set") == .usage(LeaderSettings.usage))
        #expect(parser.parse("/copy set 3 size=-5") == .usage("size=-5: expected USDC from 1 to 1,000,000. " + LeaderSettings.usage))
        #expect(ChatCommand.copySet(.rank(3), .assign(["size=50"])).canonical == "/copy set 3 size=50")
        #expect(ChatCommand.copySet(.rank(3), .reset).canonical == "/copy set 3 reset" && ChatCommand.copySet(.rank(3), .show).requiresAdmin)
    }

    @Test func theEnvironmentIsTheDefaultAndALeadersSettingsWin() throws {
        let defaults = CopyPolicy.defaults { $0.sizeRatio = 500_000; $0.stopLossBps = 3_000 }
        #expect(LeaderSettings().applied(to: defaults).sizeRatio == 500_000)
        let own = try Self.parse("size=25 maxlev=3 sl=off tp=50").get().applied(to: defaults)
        #expect(own.collateral == 25 * usdc && own.sizeRatio == nil && own.maxLeverage == 3 * x)
        #expect(own.stopLossBps == nil && own.takeProfitBps == 5_000)
        #expect(own.maxOpenPositions == defaults.maxOpenPositions && own.slippageBps == defaults.slippageBps)
    }

    @Test mutating func thePlannerSizesFiltersAndLimitsByTheLeadersSettings() throws {
        let settings = Self.settings()
        let own = try Self.parse("size=40 maxlev=4 pairs=!SOL maxpos=1").get()
        let btc = leader.open(pair: 1, at: now, collateral: 5_000 * usdc, leverage: 20 * x)
        guard case .open(let order) = CopyPlanner.plan(btc, settings: settings, leader: own, now: now, openPositions: 0, mirror: nil)
        else { Issue.record("not an open"); return }
        #expect(order.collateral == 40 * usdc && order.leverage == 4 * x)
        let sol = leader.open(pair: 2, at: now, collateral: 5_000 * usdc)
        #expect(CopyPlanner.plan(sol, settings: settings, leader: own, now: now, openPositions: 0, mirror: nil) == .skip(.pairNotCopied(2)))
        #expect(CopyPlanner.plan(btc, settings: settings, leader: own, now: now, openPositions: 1, leaderOpenPositions: 1, mirror: nil)
                == .skip(.leaderMaxPositions(1)))
        #expect(CopyDecision.SkipReason.pairNotCopied(2).description == "SOL/USD is not copied from this leader (/copy set pairs=…)")
        // The global cap still holds over a leader's own.
        let global = CopyPolicy.defaults { $0.maxOpenPositions = 1 }
        #expect(CopyPlanner.plan(btc, settings: global, leader: try Self.parse("maxpos=5").get(), now: now, openPositions: 1,
                                 leaderOpenPositions: 0, mirror: nil) == .skip(.maxOpenPositions(1)))
    }
}
