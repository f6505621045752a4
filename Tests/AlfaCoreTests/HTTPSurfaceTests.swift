import AlfaCore
import Testing

@Suite("HTTP API parameters, readiness and web pages (pure)")
struct HTTPSurfaceTests {
    @Test func parametersAreCheckedWithTheirNameValueAndExpectation() throws {
        #expect(try APIParameters.window(nil) == .thirtyDays)
        #expect(try APIParameters.window("all") == .all)
        #expect(try APIParameters.count("top", nil, in: 1...1_000, default: 50) == 50)
        #expect(try APIParameters.count("top", "1000", in: 1...1_000, default: 50) == 1_000)
        #expect(try APIParameters.moment("since", "2026-11-21") == 1_795_219_200)
        #expect(try APIParameters.moment("since", nil) == nil)
        let cases: [(() throws(APIParameterError) -> Void, String, String)] = [
            ({ () throws(APIParameterError) in _ = try APIParameters.window("1y") }, "window", "1y"),
            ({ () throws(APIParameterError) in _ = try APIParameters.count("top", "0", in: 1...1_000, default: 50) }, "top", "0"),
            ({ () throws(APIParameterError) in _ = try APIParameters.count("top", "", in: 1...1_000, default: 50) }, "top", ""),
            ({ () throws(APIParameterError) in _ = try APIParameters.count("top", "1e3", in: 1...1_000, default: 50) }, "top", "1e3"),
            ({ () throws(APIParameterError) in _ = try APIParameters.moment("as_of", "253402300800") }, "as_of", "253402300800"),
            ({ () throws(APIParameterError) in _ = try APIParameters.address("0x12") }, "address", "0x12"),
        ]
        for (call, name, value) in cases {
            let error = #expect(throws: APIParameterError.self) { try call() }
            #expect(error?.parameter == name && error?.value == value)
            #expect(error?.description.hasPrefix("\(name)=\"\(value)\" is not") == true)
        }
        // A client's garbage is not echoed in full.
        let long = String(repeating: "x", count: 500)
        let error = #expect(throws: APIParameterError.self) { try APIParameters.window(long) }
        #expect(error?.value == String(repeating: "x", count: 64) + "…")
    }

    // MARK: Readiness

    static let now: Int64 = 1_800_000_000

    @Test(arguments: [
        (false, nil, nil, true, "not configured"),
        (true, nil, nil, false, "has not indexed a block yet"),
        (true, nil, 42, false, "never saw a head"),
        (true, now - 181, 42, false, "stalled: no new head for 181 s (INDEXER_STALL_SECONDS=180)"),
        (true, now - 180, 42, true, "indexed through block 42, head seen 180 s ago"),
        (true, now + 5, 42, true, "head seen 0 s ago"),  // a clock a little behind the database's
    ] as [(Bool, Int64?, Int64?, Bool, String)])
    func theIndexerIsReadyWhileItsHeadMoves(configured: Bool, headSeenAt: Int64?, lastBlock: Int64?, ok: Bool, detail: String) {
        let check = ReadinessReport.Check.indexer(configured: configured, headSeenAt: headSeenAt, lastBlock: lastBlock,
                                                  now: Self.now, stallSeconds: 180)
        #expect(check.ok == ok)
        #expect(check.detail.contains(detail), "\(check.detail)")
    }

    @Test func oneEndpointServingTheChainIsEnough() {
        #expect(ReadinessReport.Check.rpc([], expected: 8453).ok)
        let mixed = ReadinessReport.Check.rpc([("a.example", nil, "timed out"), ("b.example", 8453, nil)], expected: 8453)
        #expect(mixed.ok && mixed.detail == "1 of 2 endpoint(s) serve chain 8453")
        let none = ReadinessReport.Check.rpc([("a.example", 1, nil), ("b.example", nil, "HTTP 503")], expected: 8453)
        #expect(!none.ok && none.detail == "no endpoint serves chain 8453: a.example serves chain 1; b.example: HTTP 503")
    }

    @Test(arguments: [(true, nil, true), (true, false, true), (false, true, true), (false, false, false), (false, nil, false)]
          as [(Bool, Bool?, Bool)])
    func aSingletonIsHeldOrHasAHealthyStandby(holding: Bool, healthy: Bool?, ok: Bool) {
        #expect(ReadinessReport.Check.singleton("indexer", holding: holding, healthy: healthy).ok == ok)
    }

    @Test func readyOnlyWhenEveryCheckPasses() {
        let good = ReadinessReport.Check.database(problem: nil, milliseconds: 3)
        let bad = ReadinessReport.Check.database(problem: "connection refused", milliseconds: nil)
        #expect(ReadinessReport([good]).isReady && ReadinessReport([good]).summary == "ready")
        let report = ReadinessReport([good, bad])
        #expect(!report.isReady && report.summary == "not ready: database (connection refused)")
    }

    // MARK: Web pages

    static func row(rank: Int, trader: UInt8, asOf: Int64) -> LeaderboardRow {
        var factory = FillFactory(trader: trader)
        var history = TraderHistory(trader: factory.trader)
        let open = factory.open(at: asOf - 3_600, collateral: 100 * FillFactory.usdc)
        history.apply(open)
        history.apply(factory.close(openTime: open.openTime, at: asOf - 60, collateral: 100 * FillFactory.usdc, exit: FillFactory.price * 11 / 10))
        return LeaderboardRow(rank: rank, score: 87.25, metrics: TraderMetrics(history: history, window: .thirtyDays, asOf: asOf))
    }

    @Test func theLeaderboardPageLinksEachRankedTraderToItsPage() {
        let rows = (1...3).map { Self.row(rank: $0, trader: UInt8($0), asOf: Self.now) }
        let html = WebPages.leaderboard(rows, window: .thirtyDays, asOf: Self.now, eligible: 3)
        #expect(html.hasPrefix("<!doctype html>") && html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == 3)
        #expect(html.contains(#"<a class="trader" href="/traders/0x0101010101010101010101010101010101010101">0x0101…0101</a>"#))
        #expect(html.contains("<td>87.3</td>") || html.contains("<td>87.2</td>"))
        #expect(html.contains(#"<td class="pos">+100</td>"#))  // 100 USDC × 10 % × 10×, no fees
        #expect(html.contains(#"<b>30d</b>"#) && html.contains(#"<a href="/?window=7d">7d</a>"#))
        #expect(!html.contains("<script"))
        #expect(WebPages.leaderboard([], window: .all, asOf: nil, eligible: 0).contains("No leaderboard yet"))
        #expect(WebPages.leaderboard([], window: .all, asOf: Self.now, eligible: 0).contains("Nobody is eligible"))
    }

    @Test func theTraderPageShowsEveryWindowTheChartAndTheCloses() {
        let row = Self.row(rank: 1, trader: 7, asOf: Self.now)
        let trader = row.metrics.trader
        var metrics: [TimeWindow: TraderMetrics] = [:]
        for window in TimeWindow.allCases { metrics[window] = row.metrics }
        let html = WebPages.trader(.init(trader: trader, asOf: Self.now, rank: 1, ineligibility: ["<fewer> than 10 trades"], metrics: metrics,
                                         scores: [.thirtyDays: 87.25], open: [], recentCloses: [], maxMarkAge: 60),
                                   chartPath: "/traders/\(trader)/equity.png")
        #expect(html.contains(#"<h1 id="trader">0x0707…0707</h1>"#) && html.contains(#"<p class="meta address">\#(trader)</p>"#))
        #expect(html.contains(#"<img class="chart" src="/traders/\#(trader)/equity.png""#))
        #expect(html.components(separatedBy: "<tr><td>").count - 1 == 3)
        #expect(html.contains("Rank <b>#1</b>") && html.contains("&lt;fewer&gt; than 10 trades"))
    }

    @Test func textIsEscapedForHTML() {
        #expect(WebPages.escape(#"<a href="x">&</a>"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
        #expect(WebPages.message(title: "<b>", "x & y").contains("<h1>&lt;b&gt;</h1></header><p>x &amp; y</p>"))
    }
}
