@testable import AlfaCore
import Testing

@Suite("Chat screens: references, buttons, board pages, pushes")
struct ChatScreensCoreTests {
    static let trader = EVMAddress(hex: "0x6224aa0000000000000000000000000000bbd8e6")!
    let parser = CommandParser(botUsername: "alfa_bot")

    @Test(arguments: [
        ("0x6224aa0000000000000000000000000000bbd8e6", TraderReference.address(trader)),
        ("3", .rank(3)),
        ("#12", .rank(12)),
        ("0x6224", .abbreviated(prefix: "6224", suffix: "")),
        ("0X6224AB", .abbreviated(prefix: "6224ab", suffix: "")),
        ("0x6224…d8e6", .abbreviated(prefix: "6224", suffix: "d8e6")),
        ("0x6224...d8e6", .abbreviated(prefix: "6224", suffix: "d8e6")),
    ])
    func aTraderIsNamedByAddressRankOrPart(text: String, expected: TraderReference) {
        #expect(TraderReference(text) == expected)
    }

    @Test(arguments: ["0", "101", "0x622", "6224", "0x62g4", "0x6224…", "0x6224…zz", "#x", ""])
    func whatNamesNoTraderIsRefused(text: String) {
        #expect(TraderReference(text) == nil)
    }

    @Test func anAbbreviationMatchesByPrefixAndSuffix() {
        #expect(TraderReference("0x6224…d8e6")!.matches(Self.trader))
        #expect(!TraderReference("0x6224…d8e7")!.matches(Self.trader))
        #expect(!TraderReference("0x6225")!.matches(Self.trader))
        let ambiguous = TraderReference("0x6224")!.reply(for: .ambiguous([Self.trader, Self.trader]))
        #expect(ambiguous.plainText.hasPrefix("0x6224 matches 2 traders"))
        #expect(TraderReference("7")!.reply(for: .notFound).plainText.contains("no trader at rank 7"))
    }

    @Test func newCommandsParse() {
        #expect(parser.parse("/t3") == .command(.trader(.rank(3))))
        #expect(parser.parse("/t101") == .usage(CommandParser.Usage.trader))
        #expect(parser.parse("/alfa trader 0x6224") == .command(.trader(.abbreviated(prefix: "6224", suffix: ""))))
        #expect(parser.parse("/watch 0x6224…d8e6") == .command(.watch(.abbreviated(prefix: "6224", suffix: "d8e6"))))
        #expect(parser.parse("/unwatch 2") == .command(.unwatch(.rank(2))))
        #expect(parser.parse("/watchlist") == .command(.watchlist))
        #expect(parser.parse("/watch") == .usage(CommandParser.Usage.watch))
        #expect(parser.parse("/copy backtest 2") == .command(.copyBacktest(.rank(2), .thirtyDays)))
        #expect(parser.parse("/copy backtest 0x6224 7d") == .command(.copyBacktest(.abbreviated(prefix: "6224", suffix: ""), .sevenDays)))
        #expect(parser.parse("/copy backtest 2 90d") == .usage(CommandParser.Usage.backtest))
        #expect(!ChatCommand.copyBacktest(.rank(1), .all).requiresAdmin && ChatCommand.copyBacktest(.rank(1), .all).isExpensive)
    }

    static let presses: [ButtonPress] = [
        .confirmation(token: "k3j", confirm: true), .confirmation(token: "k3j", confirm: false),
        .board(snapshot: 9_223_372_036_854_775_807, window: .thirtyDays, count: 100, page: 9),
        .board(snapshot: 1, window: .sevenDays, count: 5, page: 0),
        .open(snapshot: 9_223_372_036_854_775_807, window: .all, count: 100, rank: 100),
        .chart(trader, .thirtyDays), .watch(trader), .unwatch(trader), .backtest(trader), .follow(trader),
    ]

    @Test(arguments: presses)
    func everyButtonFitsTelegramsLimitAndParsesBack(press: ButtonPress) {
        #expect(press.data.utf8.count <= ButtonPress.maxBytes)
        #expect(ButtonPress(data: press.data) == press)
    }

    @Test(arguments: ["", "zz:1", "b:1:30d:50:5", "b:1:30d:0:0", "b:1:90d:50:0", "b:-1:30d:50:0", "b:1:30d:50:+1", "o:1:30d:50:101", "o:1:30d:10:11",
                      "o:x:30d:50:1", "ch:6224:30d", "w:" + String(repeating: "0", count: 41), "f:" + String(repeating: "g", count: 40),
                      "confirm:", "w:" + String(repeating: "a", count: 40) + ":x", String(repeating: "b", count: 65)])
    func forgedButtonsAreRefused(data: String) {
        #expect(ButtonPress(data: data) == nil)
    }

    static func rows(_ count: Int) -> [LeaderboardRow] {
        (1...count).map { rank in
            let trader = EVMAddress(bytes: [UInt8](repeating: UInt8(rank), count: 20))!
            let metrics = TraderMetrics(
                trader: trader, window: .thirtyDays, cleanPnL: Int64(1_000 - rank) * 1_000_000, grossPnL: 0, fees: 0, closes: 10,
                trades: 10, wins: 6, volume: 0, profitFactor: nil, expectancy: 0, maxDrawdown: 0, maxDrawdownPct: 0, peakCollateral: 0,
                returnOnPeakCollateral: 0, sharpe: 0, probabilisticSharpe: 0, averageLeverage: 0, maxLeverage: 0, liquidations: 0,
                medianHoldSeconds: nil, shortHoldShare: 0, activeDays: 0, activeWeeks: 0, positiveWeeks: 0, lastTradeTime: nil,
                payoutMismatches: 0, validUntil: nil)
            return LeaderboardRow(rank: rank, score: Double(100 - rank), metrics: metrics)
        }
    }

    @Test func aBoardPageHasItsRanksArrowsAndWindows() {
        let first = BoardPage.reply(Self.rows(50), snapshot: 7, window: .thirtyDays, count: 50, page: 0, asOf: 1_800_000_000, eligible: 60)
        #expect(first.keyboard.map { $0.map(\.title) } == [["#1", "#2", "#3", "#4", "#5"], ["#6", "#7", "#8", "#9", "#10"],
                                                          ["11–20 ▶"], ["7d", "· 30d ·", "all"]])
        #expect(first.keyboard[0][2].data == "o:7:30d:50:3" && first.keyboard[2][0].data == "b:7:30d:50:1")
        #expect(first.plainText.contains("Top 50 · 30d · 60 eligible") && first.plainText.contains("page 1/5"))
        let last = BoardPage.reply(Self.rows(50), snapshot: 7, window: .all, count: 50, page: 4, asOf: 1_800_000_000, eligible: 60)
        #expect(last.keyboard[2].map(\.title) == ["◀ 31–40"] && last.plainText.contains(" 50 "))
        // Fewer eligible than asked: the pages stop with the rows.
        let short = BoardPage.reply(Self.rows(12), snapshot: 7, window: .sevenDays, count: 50, page: 0, asOf: 1_800_000_000, eligible: 12)
        #expect(short.keyboard[2].map(\.title) == ["11–12 ▶"] && short.plainText.contains("page 1/2"))
        let single = BoardPage.reply(Self.rows(5), snapshot: 7, window: .all, count: 5, page: 0, asOf: 1_800_000_000, eligible: 5)
        #expect(single.keyboard.count == 2 && !single.plainText.contains("page"))
        #expect(BoardPage.cardKeyboard(Self.trader, watching: true, isAdmin: true)[0].map(\.title) == ["📈 Chart", "Unwatch", "Backtest", "Follow"])
    }

    @Test func aPushSaysWhoDidWhatAtWhichPrice() {
        var fill = Fill(blockNumber: 1, blockHash: .zero, blockTime: 1_800_000_000, txHash: .zero, logIndex: 0, eventGeneration: "v2",
                        trader: Self.trader, pairIndex: 1, tradeIndex: 0, openTime: 1, kind: .open, orderType: .market, isLong: true,
                        price: 34_125_000_000_000, leverage: 100_000_000_000, collateral: 500_000_000, positionCollateral: 0,
                        percentProfit: 0, payout: 0, openingFee: 0, closingFee: 0, rolloverFee: 0, orderID: 1)
        #expect(TelegramHTML.plainText(WatchReplies.push(fill)) == "👁 0x6224…d8e6 opened BTC/USD long 500 USDC ×10.0 at 3,412.50")
        fill.kind = .liquidation
        fill.payout = 0
        #expect(TelegramHTML.plainText(WatchReplies.push(fill)) == "💥 0x6224…d8e6 was liquidated on BTC/USD long 500 USDC ×10.0 at 3,412.50 · PnL -500.00 USDC")
        #expect(WatchReplies.watched(Self.trader, outcome: .full, limit: 20).contains("WATCH_MAX_PER_USER"))
    }
}

@Suite("Chart layout")
struct ChartLayoutTests {
    static func chart(_ pnls: [Int64], unrealized: Int64? = nil) -> EquityChart {
        EquityChart(title: "t", closes: pnls.enumerated().map { RealizedClose(time: 1_800_000_000 + Int64($0.offset + 1) * 86_400, pnl: $0.element * 1_000_000) },
                    start: 1_800_000_000, end: 1_800_000_000 + Int64(pnls.count + 1) * 86_400, unrealized: unrealized, fileName: "t.png")
    }

    @Test func theCurveStartsAtZeroAndItsDeepestFallIsTheDrawdown() {
        let chart = Self.chart([100, -150, 30, 200, -40])
        #expect(chart.points.map(\.equity) == [0, 100, -50, -20, 180, 140, 140].map { $0 * 1_000_000 })
        #expect(chart.maxDrawdown == -150_000_000)
    }

    @Test func drawdownsAreShadedBetweenThePeakAndTheEquity() {
        let layout = ChartLayout(Self.chart([100, -150, 30, 200, -40]))
        // Two stretches below a peak: after +100 until +200 recovers it, and the last −40.
        #expect(layout.drawdowns.count == 2)
        for polygon in layout.drawdowns {
            let half = polygon.count / 2
            // The top edge (the peak) is never below the bottom edge (the equity): y grows downwards.
            for (top, bottom) in zip(polygon.prefix(half), polygon.suffix(half).reversed()) { #expect(top.y <= bottom.y + 1e-9) }
        }
        #expect(layout.line.count == 7 && layout.zero != nil)
        #expect(layout.line.allSatisfy { $0.x >= layout.plot.left - 1e-9 && $0.x <= layout.plot.right + 1e-9 && $0.y >= layout.plot.top - 1e-9 && $0.y <= layout.plot.bottom + 1e-9 })
    }

    @Test func axesAreRoundUSDCAndDates() {
        let layout = ChartLayout(Self.chart([100, -150, 30, 200, -40], unrealized: -60_000_000))
        #expect(layout.yTicks.map(\.label) == ["-50", "0", "50", "100", "150", "200"])
        #expect(layout.xTicks.map(\.label).allSatisfy { $0.count == 5 && $0.contains("-") }, "\(layout.xTicks.map(\.label))")
        #expect((3...8).contains(layout.xTicks.count))
        #expect(layout.unrealized != nil && layout.subtitle.contains("dashed"))
        #expect(layout.subtitle.hasPrefix("PnL +80 USDC · max drawdown -150 USDC"))
        #expect(ChartLayout.usdc(1_260) == "1.3k" && ChartLayout.usdc(350) == "350" && ChartLayout.usdc(-50) == "-50")
        #expect(ChartLayout.usdc(-2_000_000) == "-2M")
    }
}
