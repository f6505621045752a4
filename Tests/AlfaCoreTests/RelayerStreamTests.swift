import AlfaCore
import Foundation
import Testing

@Suite("Relayer stream: SSE parsing and relayer events")
struct RelayerStreamTests {
    /// A whole lifecycle as the relayer streams it: keep-alives, an attempt, a fill.
    static let stream = """
        : keep-alive\r
        event: MarketOrderAccepted\r
        id: 0\r
        data: {"trackingId": "trk-7"}\r
        \r
        event: AttemptFailed\r
        id: 1\r
        data: {"attempt": 1, "code": "NO_PRICE", "message": "no fresh price", "willRetry": true}\r
        \r
        :\r
        event: MarketOrderInitiated\r
        id: 2\r
        data: {"orderId": 42, "trader": "0xab", "pairIndex": 2, "open": true, "isBuy": true, "isPnl": false, "transactionHash": "0x01"}\r
        \r
        event: SomethingNew\r
        data: {"x": 1}\r
        \r
        event: MarketOrderExecuted\r
        id: 3\r
        data: {"orderId": 42, "open": true, "price": "30000000000000", "positionSizeUSDC": "100000000", "percentProfit": "0",\r
        data:  "usdcSentToTrader": "0", "t": {"index": 7, "timestamp": 1700000000}, "transactionHash": "0x02"}\r
        \r

        """

    static func events(_ text: String, chunks: [Int]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        let bytes = Array(text.utf8)
        var out: [ServerSentEvent] = []
        var start = 0
        for end in chunks + [bytes.count] where end >= start {
            out += parser.feed(bytes[start..<end])
            start = end
        }
        return out
    }

    @Test func chunksSplitAnywhereGiveTheSameEvents() {
        let whole = Self.events(Self.stream, chunks: [])
        #expect(whole.map(\.type) == ["MarketOrderAccepted", "AttemptFailed", "MarketOrderInitiated", "SomethingNew", "MarketOrderExecuted"])
        #expect(whole.map(\.id) == ["0", "1", "2", nil, "3"])
        #expect(whole.last?.data.contains("\n") == true, "two data lines join with a newline")
        let count = Self.stream.utf8.count
        for split in 0...count {
            #expect(Self.events(Self.stream, chunks: [split]) == whole, "split at \(split)")
        }
        // Byte by byte, too: every CR and LF of a CRLF in chunks of their own.
        #expect(Self.events(Self.stream, chunks: Array(0...count)) == whole)
    }

    @Test func lineEndingsCommentsAndTheEndOfTheStream() {
        let lf = "event: A\ndata: 1\n\n: ping\n\nevent: B\ndata: 2\n\n"
        let cr = lf.replacingOccurrences(of: "\n", with: "\r")
        #expect(Self.events(lf, chunks: []) == Self.events(cr, chunks: []))
        #expect(Self.events(lf, chunks: []).map(\.data) == ["1", "2"])
        // No data: nothing to dispatch. After the last blank line: not an event (a stream cut short).
        #expect(Self.events("event: A\n\nevent: B\ndata: 1", chunks: []).isEmpty)
        #expect(Self.events("\u{FEFF}data: x\n\n", chunks: []) == [ServerSentEvent(type: "message", id: nil, data: "x")])
        #expect(Self.events("data:no-space\ndata\n\n", chunks: []).first?.data == "no-space\n")
        var parser = ServerSentEventParser()
        _ = parser.feed(Array("id: 5\ndata: a\n\ndata: b\n\n".utf8))
        #expect(parser.lastEventID == "5")
    }

    @Test func relayerEventsDecodeTheirPayloads() throws {
        let events = try Self.events(Self.stream, chunks: []).map { try RelayerEvent($0) }
        #expect(events[0] == .accepted(trackingID: "trk-7"))
        #expect(events[1] == .attemptFailed(attempt: 1, code: "NO_PRICE", willRetry: true))
        #expect(events[2] == .initiated(orderID: "42", transactionHash: "0x01"))
        #expect(events[3] == .other(type: "SomethingNew"))
        guard case .executed(let fill) = events[4] else { Issue.record("not a fill"); return }
        #expect(fill.orderID == "42" && fill.isOpen && fill.price == 30_000_000_000_000 && fill.collateral == 100_000_000)
        #expect(fill.tradeIndex == 7 && fill.openTimestamp == 1_700_000_000 && fill.transactionHash == "0x02")
        #expect(events.map(\.isTerminal) == [false, false, false, false, true])
    }

    @Test func streamTimeoutIsNotAnOutcomeButOtherErrorsAre() throws {
        let timeout = try RelayerEvent(type: "Error", json: #"{"status": "failed", "code": "STREAM_TIMEOUT", "message": "view expired"}"#)
        #expect(timeout.isStreamTimeout && !timeout.isTerminal)
        let exhausted = try RelayerEvent(type: "Error", json: #"{"code": "ATTEMPTS_EXHAUSTED", "message": "gave up", "trackingId": "t"}"#)
        #expect(exhausted == .error(code: "ATTEMPTS_EXHAUSTED", message: "gave up") && exhausted.isTerminal)
        let declined = try RelayerEvent(type: "MarketOrderCanceled", json: #"{"orderId": 42, "trader": "0xab", "pairIndex": 2}"#)
        #expect(declined == .declined(orderID: "42", transactionHash: nil) && declined.isTerminal)
        #expect(throws: RelayerEvent.Malformed.self) { try RelayerEvent(type: "MarketOrderAccepted", json: "{}") }
        #expect(throws: RelayerEvent.Malformed.self) { try RelayerEvent(type: "MarketOrderExecuted", json: "not json") }
        #expect(try RelayerEvent(type: "Heartbeat", json: "not json") == .other(type: "Heartbeat"))
    }

    @Test func aStatusReplayListsTheEventsAfterASeq() throws {
        let replay = try RelayerEvent.replay("""
            {"events": [{"seq": 1, "type": "MarketOrderInitiated", "payload": {"orderId": "9"}, "at": 1700000000000},
                        {"seq": 2, "type": "MarketOrderExecuted", "payload": {"orderId": "9", "open": false, "price": "5",
                         "positionSizeUSDC": "7", "percentProfit": "-10", "usdcSentToTrader": "6"}, "at": 1700000000500}]}
            """)
        #expect(replay.map(\.seq) == [1, 2])
        #expect(replay[0].event == .initiated(orderID: "9", transactionHash: nil))
        guard case .executed(let fill) = replay[1].event else { Issue.record("not a fill"); return }
        #expect(!fill.isOpen && fill.percentProfit == -10 && fill.payout == 6 && fill.tradeIndex == nil)
        #expect(try RelayerEvent.replay(#"{"events": []}"#).isEmpty)
        #expect(throws: RelayerEvent.Malformed.self) { try RelayerEvent.replay("{}") }
    }
}
