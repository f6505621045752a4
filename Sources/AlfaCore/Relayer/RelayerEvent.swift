import Foundation

/// One event of Avantis' batched-market relayer, from its SSE stream or its status replay
/// (`GET /tracking-id/{id}/status?afterSeq=n`). Amounts are raw on-chain units, carried as
/// decimal strings by the relayer (USDC × 1e6; prices and leverage × 1e10).
public enum RelayerEvent: Sendable, Equatable {
    /// seq 0: the request is accepted and has a tracking id; nothing is on chain yet.
    case accepted(trackingID: String)
    /// One execution attempt hit a retryable condition; the relayer keeps working.
    case attemptFailed(attempt: Int, code: String, willRetry: Bool)
    /// The order is registered on chain.
    case initiated(orderID: String, transactionHash: String?)
    /// Terminal: the fill.
    case executed(Fill)
    /// Terminal: the protocol declined the fill (slippage, for example): a market outcome.
    case declined(orderID: String?, transactionHash: String?)
    /// Terminal, except `STREAM_TIMEOUT`: execution failed with `code`.
    case error(code: String, message: String)
    /// A type this client does not know: noise, never an outcome.
    case other(type: String)

    /// `MarketOrderExecuted`'s fields a copy order keeps.
    public struct Fill: Sendable, Equatable {
        public var orderID: String
        public var isOpen: Bool
        public var price: Int64
        public var collateral: Int64
        public var percentProfit: Int64
        public var payout: Int64
        public var tradeIndex: Int32?
        /// The position's on-chain open time (`t.timestamp`): what a close must bind.
        public var openTimestamp: Int64?
        public var transactionHash: String?

        public init(orderID: String, isOpen: Bool, price: Int64, collateral: Int64, percentProfit: Int64, payout: Int64,
                    tradeIndex: Int32?, openTimestamp: Int64?, transactionHash: String?) {
            self.orderID = orderID
            self.isOpen = isOpen
            self.price = price
            self.collateral = collateral
            self.percentProfit = percentProfit
            self.payout = payout
            self.tradeIndex = tradeIndex
            self.openTimestamp = openTimestamp
            self.transactionHash = transactionHash
        }
    }

    /// Only this connection's view of the order expired: replay, the order may still execute.
    public var isStreamTimeout: Bool { if case .error(let code, _) = self { code == "STREAM_TIMEOUT" } else { false } }

    /// Whether the order's lifecycle ends here.
    public var isTerminal: Bool {
        switch self {
        case .executed, .declined: true
        case .error: !isStreamTimeout
        case .accepted, .attemptFailed, .initiated, .other: false
        }
    }

    /// A relayer payload that does not say what its type promises.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(type: String, json: String) throws(Malformed) {
        // Unknown types are noise whatever their payload.
        let known = ["MarketOrderAccepted", "AttemptFailed", "MarketOrderInitiated", "MarketOrderExecuted", "MarketOrderCanceled", "Error"]
        guard known.contains(type) else { self = .other(type: type); return }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw Malformed(description: "\(type): the data is not a JSON object")
        }
        let payload = Payload(type: type, object: object)
        switch type {
        case "MarketOrderAccepted":
            self = .accepted(trackingID: try payload.text("trackingId"))
        case "AttemptFailed":
            self = .attemptFailed(attempt: Int(try payload.integer("attempt")), code: try payload.text("code"),
                                  willRetry: payload.flag("willRetry") ?? false)
        case "MarketOrderInitiated":
            self = .initiated(orderID: try payload.text("orderId"), transactionHash: payload.optionalText("transactionHash"))
        case "MarketOrderExecuted":
            let trade = payload.nested("t")
            self = .executed(Fill(
                orderID: try payload.text("orderId"), isOpen: payload.flag("open") ?? false, price: try payload.integer("price"),
                collateral: try payload.integer("positionSizeUSDC"), percentProfit: (try? payload.integer("percentProfit")) ?? 0,
                payout: (try? payload.integer("usdcSentToTrader")) ?? 0,
                tradeIndex: trade?.optionalInteger("index").map { Int32(clamping: $0) },
                openTimestamp: trade?.optionalInteger("timestamp"), transactionHash: payload.optionalText("transactionHash")))
        case "MarketOrderCanceled":
            self = .declined(orderID: payload.optionalText("orderId"), transactionHash: payload.optionalText("transactionHash"))
        default:
            self = .error(code: payload.optionalText("code") ?? "UNKNOWN", message: payload.optionalText("message") ?? "")
        }
    }

    public init(_ event: ServerSentEvent) throws(Malformed) {
        try self.init(type: event.type, json: event.data)
    }

    /// The events of a status replay, with their seq.
    public static func replay(_ json: String) throws(Malformed) -> [(seq: Int64, event: RelayerEvent)] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let events = object["events"] as? [[String: Any]]
        else { throw Malformed(description: "the status answer has no events array") }
        var out: [(seq: Int64, event: RelayerEvent)] = []
        for item in events {
            let payload = Payload(type: "replay", object: item)
            guard let type = item["type"] as? String, let body = item["payload"],
                  let data = try? JSONSerialization.data(withJSONObject: body)
            else { throw Malformed(description: "a replayed event has no type or payload") }
            out.append((try payload.integer("seq"), try RelayerEvent(type: type, json: String(decoding: data, as: UTF8.self))))
        }
        return out
    }
}

/// Reads a relayer JSON object, whose integers come as numbers or decimal strings.
private struct Payload {
    let type: String
    let object: [String: Any]

    func optionalText(_ key: String) -> String? {
        switch object[key] {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    func text(_ key: String) throws(RelayerEvent.Malformed) -> String {
        guard let value = optionalText(key) else { throw RelayerEvent.Malformed(description: "\(type): no \(key)") }
        return value
    }

    func integer(_ key: String) throws(RelayerEvent.Malformed) -> Int64 {
        guard let text = optionalText(key), let value = Int64(text) else {
            throw RelayerEvent.Malformed(description: "\(type): \(key) is not an integer")
        }
        return value
    }

    func optionalInteger(_ key: String) -> Int64? { optionalText(key).flatMap { Int64($0) } }

    func flag(_ key: String) -> Bool? { object[key] as? Bool }

    func nested(_ key: String) -> Payload? { (object[key] as? [String: Any]).map { Payload(type: type + "." + key, object: $0) } }
}
