@testable import AlfaCore
import Testing

@Suite("Chat: command parsing")
struct CommandParserTests {
    let parser = CommandParser(botUsername: "alfa_bot")
    let alice = EVMAddress(hex: "0x00000000000000000000000000000000000a11ce")!

    @Test(arguments: [
        ("/start", ChatCommand.start),
        ("/help", .help),
        ("/alfa top50", .top(count: 50, window: .thirtyDays)),
        ("/alfa top", .top(count: 50, window: .thirtyDays)),
        ("/alfa top 10", .top(count: 10, window: .thirtyDays)),
        ("/alfa top7 7d", .top(count: 7, window: .sevenDays)),
        ("/alfa TOP100 ALL", .top(count: 100, window: .all)),
        ("/alfa top1 30d", .top(count: 1, window: .thirtyDays)),
        ("/copy mode DRY", .copyMode(.dry)),
        ("/copy mode live", .copyMode(.live)),
        ("/copy status", .copyStatus),
        ("/emergency stop", .emergencyStop(reason: nil)),
        ("/emergency stop gas spike on Base", .emergencyStop(reason: "gas spike on Base")),
        ("/emergency start", .emergencyStart),
        ("/status", .status),
        ("/status admin", .status),
        ("/breakers", .breakers),
        ("/breaker reset drawdown", .breakerReset(.drawdown)),
        ("/breaker reset WIN_RATE", .breakerReset(.winRate)),
        ("/report", .report(.daily)),
        ("/report daily", .report(.daily)),
        ("/report WEEKLY", .report(.weekly)),
        ("  /help  ", .help),
    ])
    func parsesEveryCommand(text: String, expected: ChatCommand) {
        #expect(parser.parse(text) == .command(expected))
    }

    @Test func parsesTheLeaderCommands() {
        let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
        #expect(parser.parse("/copy follow 0x00000000000000000000000000000000000000A1") == .command(.copyFollow(leader)))
        #expect(parser.parse("/copy unfollow 0x00000000000000000000000000000000000000a1") == .command(.copyUnfollow(leader)))
        #expect(parser.parse("/copy list") == .command(.copyList))
        #expect(parser.parse("/copy PnL") == .command(.copyPnL))
        #expect(parser.parse("/copy follow 0x12") == .usage(CommandParser.Usage.copyFollow))
        #expect(parser.parse("/copy follow") == .usage(CommandParser.Usage.copyFollow))
        #expect(ChatCommand.copyFollow(leader).requiresAdmin && ChatCommand.copyPnL.isExpensive)
        #expect(ChatCommand.copyUnfollow(leader).canonical == "/copy unfollow \(leader)")
    }

    @Test func parsesCloseByIdSymbolOrAll() {
        #expect(parser.parse("/copy close 12") == .command(.copyClose(.order(12))))
        #expect(parser.parse("/copy close #12") == .command(.copyClose(.order(12))))
        #expect(parser.parse("/copy close ALL") == .command(.copyClose(.all)))
        #expect(parser.parse("/copy close btc") == .command(.copyClose(.pair(1))))
        #expect(parser.parse("/copy close ETH/USD") == .command(.copyClose(.pair(0))))
        for bad in ["/copy close", "/copy close 0", "/copy close -3", "/copy close NOTACOIN", "/copy close 1 2"] {
            #expect(parser.parse(bad) == .usage(CommandParser.Usage.copyClose), "\(bad)")
        }
        #expect(ChatCommand.copyClose(.all).requiresAdmin && !ChatCommand.copyClose(.all).isExpensive)
        #expect(ChatCommand.copyClose(.pair(1)).canonical == "/copy close BTC/USD" && ChatCommand.copyClose(.order(7)).canonical == "/copy close 7")
        let position = MirroredPosition(openOrderID: 7, pairIndex: 1, isLong: false, entryPrice: 1, leverage: 25_000_000_000,
                                        remainingCollateral: 50_000_000, remainingOpeningFee: 0, mode: .live)
        #expect(CloseTarget.all.selects(position) && CloseTarget.order(7).selects(position) && CloseTarget.pair(1).selects(position))
        #expect(!CloseTarget.order(8).selects(position) && !CloseTarget.pair(0).selects(position))
        #expect(position.summary() == "#7 BTC/USD short 50.00 USDC ×2.5 LIVE")
    }

    @Test func parsesPauseAndResumeForAdminsOnly() {
        #expect(parser.parse("/copy pause") == .command(.copyPause) && parser.parse("/copy RESUME") == .command(.copyResume))
        #expect(parser.parse("/copy pause now") == .usage(CommandParser.Usage.copy))
        #expect(ChatCommand.copyPause.requiresAdmin && ChatCommand.copyResume.requiresAdmin)
        #expect(ChatCommand.copyPause.canonical == "/copy pause" && ChatCommand.copyResume.canonical == "/copy resume")
        var status = StatusReport(now: 100, execution: ExecutionState(mode: .dry, emergencyStop: false, changedBy: .environment, changedAt: 0,
                                                                      reason: nil),
                                  indexer: nil, leaderboardComputedAt: nil, breakers: [], openCopyPositions: 1,
                                  copyPaused: "paused by admin 7 1m ago: new opens skipped, exits mirrored", startedAt: 0, version: "t",
                                  databaseProblem: nil, databaseMilliseconds: 1)
        #expect(status.html.contains("copying: paused by admin 7 1m ago: new opens skipped, exits mirrored"))
        #expect(!status.html.contains("prices:"))
        status.prices = "Pyth Hermes unavailable (HTTP 503): marks fall back to the pairs' last fills"
        #expect(status.html.contains("prices: Pyth Hermes unavailable (HTTP 503): marks fall back to the pairs' last fills"))
    }

    @Test func parsesATraderAddressInAnyCase() {
        #expect(parser.parse("/alfa trader 0x00000000000000000000000000000000000A11CE") == .command(.trader(.address(alice))))
    }

    @Test(arguments: [
        ("/alfa", CommandParser.Usage.alfa),
        ("/alfa top0", CommandParser.Usage.top),
        ("/alfa top101", CommandParser.Usage.top),
        ("/alfa top50 1y", CommandParser.Usage.top),
        ("/alfa top50 7d extra", CommandParser.Usage.top),
        ("/alfa topx", CommandParser.Usage.top),
        ("/alfa best", CommandParser.Usage.alfa),
        ("/alfa trader", CommandParser.Usage.trader),
        ("/alfa trader 0x12", CommandParser.Usage.trader),
        ("/copy mode", CommandParser.Usage.copyMode),
        ("/copy mode PAPER", CommandParser.Usage.copyMode),
        ("/copy", CommandParser.Usage.copy),
        ("/copy status now", CommandParser.Usage.copy),
        ("/emergency", CommandParser.Usage.emergency),
        ("/emergency start now", CommandParser.Usage.emergency),
        ("/status everything", CommandParser.Usage.status),
        ("/breakers all", CommandParser.Usage.breakers),
        ("/breaker reset", CommandParser.Usage.breakerReset),
        ("/breaker reset luck", CommandParser.Usage.breakerReset),
        ("/breaker open drawdown", CommandParser.Usage.breakerReset),
        ("/report monthly", CommandParser.Usage.report),
        ("/report daily weekly", CommandParser.Usage.report),
    ])
    func badArgumentsGetTheUsageLine(text: String, usage: String) {
        #expect(parser.parse(text) == .usage(usage))
    }

    @Test func mentionsOfThisBotWorkAndOtherBotsAreIgnored() {
        #expect(parser.parse("/help@alfa_bot") == .command(.help))
        #expect(parser.parse("/alfa@ALFA_BOT top5") == .command(.top(count: 5, window: .thirtyDays)))
        #expect(parser.parse("/help@other_bot") == .ignored)
        #expect(parser.parse("/nothing@other_bot") == .ignored)
        // Without a known username (the console), any mention is someone else's.
        #expect(CommandParser(botUsername: nil).parse("/help@alfa_bot") == .ignored)
    }

    @Test func plainTextIsIgnoredAndUnknownCommandsAreNamed() {
        #expect(parser.parse("hello") == .ignored)
        #expect(parser.parse("") == .ignored)
        #expect(parser.parse("/") == .ignored)
        #expect(parser.parse("/pnl") == .unknown("/pnl"))
        #expect(parser.parse("/pnl@alfa_bot today") == .unknown("/pnl"))
    }

    @Test func adminCommandsAndExpensiveCommandsAreMarked() {
        let everyone: [ChatCommand] = [.start, .help, .top(count: 5, window: .all), .trader(.address(alice)), .watch(.rank(1)), .unwatch(.rank(1)), .watchlist, .copyBacktest(.rank(2), .all)]
        let admin: [ChatCommand] = [.copyMode(.dry), .copyMode(.live), .copyStatus, .emergencyStop(reason: nil), .emergencyStart,
                                    .status, .breakers, .breakerReset(.slippage)]
        #expect(everyone.allSatisfy { !$0.requiresAdmin })
        #expect(admin.allSatisfy { $0.requiresAdmin })
        #expect(ChatCommand.top(count: 50, window: .thirtyDays).isExpensive && ChatCommand.status.isExpensive)
        #expect(!ChatCommand.help.isExpensive && !ChatCommand.emergencyStop(reason: nil).isExpensive)
    }

    @Test func canonicalSpellingsAreWhatTheAuditLogShows() {
        #expect(ChatCommand.top(count: 50, window: .thirtyDays).canonical == "/alfa top50 30d")
        #expect(ChatCommand.emergencyStop(reason: "test").canonical == "/emergency stop test")
        #expect(ChatCommand.breakerReset(.consecutiveFailures).canonical == "/breaker reset consecutive_failures")
        #expect(ChatCommand.copyMode(.live).canonical == "/copy mode LIVE")
    }
}

@Suite("Chat: rate limit, confirmations")
struct ChatPolicyTests {
    @Test func rateLimitCountsPerUserInASlidingWindow() {
        var limiter = RateLimiter(limit: 3, windowSeconds: 60)
        for t in [0.0, 1, 2] { #expect(limiter.check(user: 1, now: t) == .allowed) }
        #expect(limiter.check(user: 1, now: 10) == .wait(seconds: 50))
        #expect(limiter.check(user: 2, now: 10) == .allowed)        // another user is not affected
        #expect(limiter.check(user: 1, now: 59.5) == .wait(seconds: 1))
        #expect(limiter.check(user: 1, now: 60.5) == .allowed)      // the first one left the window
        #expect(limiter.check(user: 1, now: 60.6) == .wait(seconds: 1))
    }

    @Test func confirmationsBelongToTheAskerAndExpire() {
        var book = ConfirmationBook(lifetimeSeconds: 60)
        book.ask(.goLive, token: "t1", user: 7, chat: 70, now: 0)
        #expect(book.answer(token: "t1", confirm: true, user: 8, now: 1) == .notYours)
        #expect(book.answer(token: "t1", confirm: true, user: 7, now: 2) == .confirmed(.goLive))
        #expect(book.answer(token: "t1", confirm: true, user: 7, now: 3) == .unknown)   // answered once only

        book.ask(.goLive, token: "t2", user: 7, chat: 70, now: 0)
        #expect(book.answer(token: "t2", confirm: true, user: 7, now: 60.5) == .expired)
        book.ask(.goLive, token: "t3", user: 7, chat: 70, now: 100)
        #expect(book.answer(token: "t3", confirm: false, user: 7, now: 110) == .cancelled(.goLive))
        #expect(book.answer(token: "nope", confirm: true, user: 7, now: 110) == .unknown)
        book.ask(.close(.pair(1)), token: "t4", user: 7, chat: 70, now: 200)
        #expect(book.answer(token: "t4", confirm: true, user: 7, now: 201) == .confirmed(.close(.pair(1))))
        #expect(ConfirmationBook.Action.close(.all).command == .copyClose(.all) && ConfirmationBook.Action.goLive.command == .copyMode(.live))
    }

    @Test func callbackDataRoundTrips() {
        let yes = ConfirmationBook.callbackData(token: "abc", confirm: true)
        let no = ConfirmationBook.callbackData(token: "abc", confirm: false)
        #expect(ConfirmationBook.parseCallback(yes)! == ("abc", true))
        #expect(ConfirmationBook.parseCallback(no)! == ("abc", false))
        #expect(ConfirmationBook.parseCallback("other") == nil)
        #expect(yes.utf8.count <= 64)   // Telegram's callback_data limit
    }
}

@Suite("Chat: replies")
struct ChatReplyTests {
    @Test func plainTextUndoesTheMarkup() {
        #expect(TelegramHTML.plainText("<b>P&amp;L</b> &lt;5&gt; &quot;x&quot;") == "P&L <5> \"x\"")
        #expect(TelegramHTML.plainText("a & b") == "a & b")
        #expect(TelegramHTML.plainText("fish &chips") == "fish &chips")
        #expect(TelegramHTML.plainText(TelegramHTML.escape("<a> & \"b\"")) == "<a> & \"b\"")
    }

    @Test func helpShowsAdminCommandsOnlyToAdmins() {
        #expect(!ChatReplies.help(isAdmin: false).html.contains("/emergency"))
        #expect(ChatReplies.help(isAdmin: true).html.contains("/emergency stop"))
        #expect(ChatReplies.welcome(isAdmin: false).html.contains("/alfa top50"))
    }

    @Test func menuFollowsTelegramsRulesForCommands() {
        #expect(ChatReplies.menu.count <= 100)
        for item in ChatReplies.menu {
            #expect(item.command.range(of: "^[a-z0-9_]{1,32}$", options: .regularExpression) != nil)
            #expect((1...256).contains(item.description.count))
        }
    }

    @Test func repliesEscapeWhatUsersTyped() {
        #expect(ChatReplies.unknown("/<b>").html == "I don't know /&lt;b&gt;. /help lists the commands.")
        #expect(ChatReplies.usage("/a <b>").html == "Usage: <code>/a &lt;b&gt;</code>")
        #expect(ChatReplies.notAllowed(.status).plainText.contains("/status is for admins only"))
        let confirm = ChatReplies.confirmLive(token: "k", lifetimeSeconds: 60)
        #expect(confirm.buttons.map(\.data) == ["confirm:k", "cancel:k"])
    }

    @Test func statusShowsEveryPartAndSaysWhatIsUnknown() {
        let report = StatusReport(
            now: 10_000,
            execution: .init(mode: .dry, emergencyStop: true, changedBy: .admin(42), changedAt: 9_000, reason: "<test>"),
            indexer: .init(lastBlock: 120, head: 130, headSeenAt: 9_990, lastError: "503 from rpc", lastErrorAt: 9_400,
                           unknownTopics: 2, malformedLogs: 1),
            leaderboardComputedAt: 9_880, breakers: nil, openCopyPositions: nil, startedAt: 0, version: "1.2.3",
            databaseProblem: nil, databaseMilliseconds: 3)
        let text = TelegramHTML.plainText(report.html)
        #expect(text.contains("mode: DRY · emergency stop: ON"))
        #expect(text.contains("set by admin 42 16m ago: <test>"))
        #expect(text.contains("indexer: indexed through block 120; head 130 seen 10s ago, lag 10 blocks; "
            + "2 log(s) with unknown topic0 kept raw (alfa abi inspect); 1 malformed log(s) kept raw; last error 10m ago: 503 from rpc"))
        #expect(text.contains("leaderboard: computed 2m ago"))
        #expect(text.contains("breakers: not available yet"))
        #expect(text.contains("open copy positions: not available yet"))
        #expect(text.contains("database: healthy (3 ms)"))
        #expect(text.contains("uptime 2h 46m · version 1.2.3"))
        #expect(report.html.contains("&lt;test&gt;"))

        var down = report
        down.indexer = nil
        down.databaseProblem = "connection refused"
        down.breakers = ["drawdown 3.0% of 15% · closed"]
        down.openCopyPositions = 2
        let downText = TelegramHTML.plainText(down.html)
        #expect(downText.contains("indexer: not started (run alfa index or alfa serve with RPC_URLS set)"))
        #expect(downText.contains("database: unhealthy: connection refused"))
        #expect(downText.contains("  drawdown 3.0% of 15% · closed"))
        #expect(downText.contains("open copy positions: 2"))
        #expect(StatusReport.age(200_000) == "2d 7h")
    }
}
