import AlfaCore
import Testing

@Suite("Copy-action notices (/notify)")
struct NoticeTests {
    static let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
    static let price: Int64 = 650_000_000_000_000

    static func order(_ id: Int64, _ action: CopyOrder.Action, _ status: CopyOrder.Status, reason: String? = nil, net: Int64 = 0,
                      mode: ExecutionMode = .dry) -> CopyOrder {
        var order = CopyOrder(id: id, leaderFillID: id, leader: leader, leaderKind: action == .close ? .close : .open, leaderPrice: price,
                              leaderTime: 0, action: action, mode: mode, status: status, reason: reason, pairIndex: 1, isLong: true,
                              collateral: 100_000_000, leverage: 100_000_000_000, positionOrderID: action == .close ? 1 : nil, tradeIndex: nil,
                              nonce: nil, txHash: nil, keeperOrderID: nil, fillPrice: status == .filled ? price : nil,
                              fillCollateral: status == .filled ? 99_400_000 : nil, fee: 600_000, netPnL: net, grossPnL: net, gasUSDC: 0,
                              createdAt: 0, completedAt: 1)
        if reason?.hasPrefix("closed by") == true { order.orderedBy = String(reason!.dropFirst(10)) }
        return order
    }

    @Test func eachSettledOrderReadsAsItsKind() throws {
        let cases: [(CopyOrder, NoticeKind?, String?)] = [
            (Self.order(1, .open, .filled), .opened,
             "🟢 Opened BTC/USD long 99.40 USDC ×10.0 at 65,000.00 (leader 0x00000000…, DRY, #1)"),
            (Self.order(2, .close, .filled, reason: "full close", net: 12_340_000), .closed,
             "✅ Closed BTC/USD long at 65,000.00: net +12.34 USDC — the leader closed (DRY, #1)"),
            (Self.order(3, .close, .filled, reason: "stop-loss at the mark 61,750.00 (pyth)", net: -20_000_000), .closed,
             "🔻 Closed BTC/USD long at 65,000.00: net -20.00 USDC — stop-loss at the mark 61,750.00 (pyth) (DRY, #1)"),
            (Self.order(4, .close, .filled, reason: "closed by admin 1001", net: -1_000_000, mode: .live), .closed,
             "🔻 Closed BTC/USD long at 65,000.00: net -1.00 USDC — closed by admin 1001 (LIVE, #1)"),
            (Self.order(5, .skip, .skipped, reason: "emergency stop engaged"), .skipped,
             "⏭ Skipped BTC/USD long open of leader 0x00000000…: emergency stop engaged"),
            (Self.order(6, .open, .declined, reason: "declined by the protocol (slippage or price moved)", mode: .live), .failed,
             "❌ Declined open BTC/USD long (LIVE, #6): declined by the protocol (slippage or price moved)"),
            (Self.order(7, .open, .failed, reason: "relayer: INVALID_SIGNATURE", mode: .live), .failed,
             "❌ Failed open BTC/USD long (LIVE, #7): relayer: INVALID_SIGNATURE"),
            (Self.order(8, .open, .expired, reason: nil, mode: .live), .failed, "❌ Expired open BTC/USD long (LIVE, #8): no reason recorded"),
            (Self.order(9, .open, .accepted, mode: .live), nil, nil),
            (Self.order(10, .close, .intent), nil, nil),
        ]
        for (order, kind, line) in cases {
            #expect(NoticeKind.of(order) == kind, "\(order.id)")
            #expect(CopyNotice(order)?.line == line, "\(order.id)")
        }
    }

    @Test func eachAdminGetsOneMessageByTheirChoices() {
        let notices = [CopyNotice(kind: .opened, orderID: 1, line: "opened 1"), CopyNotice(kind: .skipped, orderID: 2, line: "skipped <2>"),
                       CopyNotice(kind: .closed, orderID: 3, line: "closed 3")]
        let preferences: [Int64: NoticePreferences] = [
            2: NoticePreferences([.skipped: .off, .opened: .silent]),
            3: NoticePreferences([.opened: .silent, .closed: .silent, .skipped: .silent]),
            4: NoticePreferences(Dictionary(uniqueKeysWithValues: NoticeKind.allCases.map { ($0, .off) })),
        ]
        let messages = NoticeDigest.messages(notices, admins: [1, 2, 3, 4], preferences: preferences)
        #expect(messages == [
            .init(admin: 1, html: "<b>Copy trading</b>: 3 actions\nopened 1\nskipped &lt;2&gt;\nclosed 3", silent: false),
            .init(admin: 2, html: "<b>Copy trading</b>: 2 actions\nopened 1\nclosed 3", silent: false),   // one kind is on: with sound
            .init(admin: 3, html: "<b>Copy trading</b>: 3 actions\nopened 1\nskipped &lt;2&gt;\nclosed 3", silent: true),
        ])
        #expect(NoticeDigest.messages([notices[0]], admins: [2], preferences: preferences) == [.init(admin: 2, html: "opened 1", silent: true)])
        #expect(NoticeDigest.messages([], admins: [1], preferences: [:]).isEmpty)
    }

    @Test func aBurstIsGroupedNotDropped() {
        let burst = (1...45).map { CopyNotice(kind: $0 % 3 == 0 ? .failed : .skipped, orderID: Int64($0), line: "n\($0)") }
        let messages = NoticeDigest.messages(burst, admins: [1], preferences: [:])
        #expect(messages.count == 1)
        let lines = messages[0].html.split(separator: "\n")
        #expect(lines.first == "<b>Copy trading</b>: 45 actions" && lines.count == 1 + NoticeDigest.maxLines + 1)
        #expect(lines.last == "<i>… and 15 more: 10 skipped, 5 failed. /copy pnl has them all.</i>")
    }

    @Test func theCommandShowsOrSetsAKindOrAll() {
        let parser = CommandParser(botUsername: nil)
        #expect(parser.parse("/notify") == .command(.notify(kinds: [], level: nil)))
        #expect(parser.parse("/notify skipped OFF") == .command(.notify(kinds: [.skipped], level: .off)))
        #expect(parser.parse("/notify all silent") == .command(.notify(kinds: NoticeKind.allCases, level: .silent)))
        #expect(parser.parse("/notify breakers off") == .usage(CommandParser.Usage.notifyAlways))
        #expect(parser.parse("/notify skipped loud") == .usage(CommandParser.Usage.notify))
        #expect(parser.parse("/notify skipped") == .usage(CommandParser.Usage.notify))
        #expect(ChatCommand.notify(kinds: NoticeKind.allCases, level: .off).canonical == "/notify all off")
        #expect(ChatCommand.notify(kinds: [.opened], level: .silent).canonical == "/notify opened silent")
        #expect(ChatCommand.notify(kinds: [], level: nil).requiresAdmin)
        let shown = TelegramHTML.plainText(NoticePreferences([.skipped: .off]).html)
        #expect(shown.hasPrefix("Notifications\nopened: on\nclosed: on\nskipped: off\nfailed: on\nBreakers, the emergency stop and stalls always reach you."))
    }
}
