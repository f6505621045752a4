import AlfaChain
import AlfaCore
import AlfaHTTP
import Foundation

/// The local EVM (`commands/lib/evm/chain.py`: alysis + the mock Avantis contracts) for one
/// test, with as many JSON-RPC endpoints as asked for. Stopped when released.
final class ChainPeer: @unchecked Sendable {
    private let process: Process
    let urls: [String]
    let contracts: [String: String]
    private let http = CurlHTTPClient(name: "chain-peer")

    /// `pastHours`: the chain starts that long ago, for a simulated history (`alfa_clock`).
    init(endpoints: Int = 1, pastHours: Double = 0) async throws {
        struct Announcement: Decodable {
            let ports: [Int]
            let contracts: [String: String]
        }
        let (process, announcement) = try await PeerProcess.launch("evm/chain.py", ["--endpoints", "\(endpoints)", "--past-hours", "\(pastHours)"],
                                                                  as: Announcement.self)
        self.process = process
        urls = announcement.ports.map { "http://127.0.0.1:\($0)/" }
        contracts = announcement.contracts
    }

    deinit { process.terminate() }

    var addresses: [AvantisContract: EVMAddress] {
        [.tradingCallbacks: EVMAddress(hex: contracts["tradingCallbacks"]!)!,
         .tradingStorage: EVMAddress(hex: contracts["tradingStorage"]!)!,
         .pairInfos: EVMAddress(hex: contracts["pairInfos"]!)!]
    }

    /// One JSON-RPC call on endpoint `endpoint`; the raw `result`, or a thrown error message.
    @discardableResult
    func rpc(_ method: String, _ params: String = "[]", endpoint: Int = 0) async throws -> [UInt8] {
        let body = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
        let response = try await http.send(HTTPRequest(method: "POST", url: urls[endpoint], headers: ["Content-Type": "application/json"],
                                                       body: Array(body.utf8), timeoutSeconds: 120))
        struct Envelope: Decodable { let error: ErrorBody? }
        struct ErrorBody: Decodable { let message: String }
        if let error = try JSONDecoder().decode(Envelope.self, from: Data(response.body)).error {
            throw PeerError(message: "\(method): \(error.message)")
        }
        return try JSONCursor.read(response.body) { cursor throws(JSONError) in
            var result: [UInt8] = []
            try cursor.forEachMember { cursor, key throws(JSONError) in
                if key.equals("result") { result = try cursor.readRawValue() } else { try cursor.skipValue() }
            }
            return result
        }
    }

    struct PeerError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// Mines one block holding one transaction per list of executions; returns its number.
    @discardableResult
    func execute(_ transactions: [[MockExecution]], timestamp: Int64? = nil) async throws -> Int64 {
        let list = transactions.map { "[" + $0.map(\.json).joined(separator: ",") + "]" }.joined(separator: ",")
        let time = timestamp.map { #","timestamp":\#($0)"# } ?? ""
        return try Self.blockNumber(of: try await rpc("alfa_execute", #"[{"transactions":[\#(list)]\#(time)}]"#))
    }

    @discardableResult
    func emitRaw(topic0: String, data: [UInt8]) async throws -> Int64 {
        try Self.blockNumber(of: try await rpc("alfa_emitRaw", #"[{"topic0":"\#(topic0)","data":"0x\#(Hex.encode(data))"}]"#))
    }

    func upgrade(to generation: String) async throws {
        try await rpc("alfa_upgrade", #"["\#(generation)"]"#)
    }

    func faults(_ json: String, endpoint: Int = 0) async throws {
        try await rpc("alfa_faults", "[\(json)]", endpoint: endpoint)
    }

    func requestCount(_ method: String, endpoint: Int) async throws -> Int {
        let json = try await rpc("alfa_requests", endpoint: endpoint)
        let counts = try JSONDecoder().decode([String: Int].self, from: Data(json))
        return counts[method] ?? 0
    }

    func snapshot() async throws -> String {
        String(decoding: try await rpc("evm_snapshot"), as: UTF8.self)
    }

    func revert(_ snapshot: String) async throws {
        try await rpc("evm_revert", "[\(snapshot)]")
    }

    func head() async throws -> Int64 {
        try JSONCursor.read(try await rpc("eth_blockNumber")) { cursor throws(JSONError) in try cursor.readQuantity() }
    }

    private static func blockNumber(of json: [UInt8]) throws -> Int64 {
        try JSONCursor.read(json) { cursor throws(JSONError) in
            var number: Int64 = -1
            try cursor.forEachMember { cursor, key throws(JSONError) in
                if key.equals("blockNumber") { number = try cursor.readQuantity() } else { try cursor.skipValue() }
            }
            return number
        }
    }
}

/// One keeper execution for the mock callbacks contract (see avantis_types.vy).
struct MockExecution {
    enum Kind: Int { case market = 0, limit = 1, canceled = 2 }
    var kind = Kind.market
    var orderID: Int64 = 1
    var trader: String
    var pairIndex: Int64 = 0
    var index: Int64 = 0
    var initialPosToken: Int64
    var openPrice: Int64
    var buy = true
    var leverage: Int64 = 100_000_000_000
    var openTime: Int64 = 1_800_000_000
    var open = false
    var orderType: Int64 = 0
    var price: Int64
    var positionSizeUSDC: Int64
    var percentProfit: Int64 = 0
    var usdcSentToTrader: Int64 = 0
    var openingFee: Int64 = 0
    var rolloverFee: Int64 = 0
    var closingFee: Int64 = 0

    var json: String {
        #"{"kind":\#(kind.rawValue),"orderId":\#(orderID),"open":\#(open),"orderType":\#(orderType),"price":\#(price),"#
            + #""positionSizeUSDC":\#(positionSizeUSDC),"percentProfit":\#(percentProfit),"usdcSentToTrader":\#(usdcSentToTrader),"#
            + #""isPnl":false,"openingFee":\#(openingFee),"rolloverFee":\#(rolloverFee),"closingFee":\#(closingFee),"#
            + #""trade":{"trader":"\#(trader)","pairIndex":\#(pairIndex),"index":\#(index),"initialPosToken":\#(initialPosToken),"#
            + #""openPrice":\#(openPrice),"buy":\#(buy),"leverage":\#(leverage),"timestamp":\#(openTime)}}"#
    }

    /// A market open of `collateral` (after `fee`).
    static func marketOpen(_ trader: String, pair: Int64 = 0, index: Int64 = 0, collateral: Int64, fee: Int64 = 0,
                           price: Int64, buy: Bool = true, openTime: Int64 = 1_800_000_000, orderID: Int64 = 1) -> MockExecution {
        MockExecution(orderID: orderID, trader: trader, pairIndex: pair, index: index, initialPosToken: collateral, openPrice: price,
                      buy: buy, openTime: openTime, open: true, price: price, positionSizeUSDC: collateral, openingFee: fee)
    }

    /// A market close of `closing` out of `position` collateral.
    static func marketClose(_ trader: String, pair: Int64 = 0, index: Int64 = 0, position: Int64, closing: Int64,
                            entry: Int64, price: Int64, percentProfit: Int64, payout: Int64, buy: Bool = true,
                            rollover: Int64 = 0, closingFee: Int64 = 0, openTime: Int64 = 1_800_000_000) -> MockExecution {
        MockExecution(orderID: 2, trader: trader, pairIndex: pair, index: index, initialPosToken: position, openPrice: entry,
                      buy: buy, openTime: openTime, open: false, price: price, positionSizeUSDC: closing, percentProfit: percentProfit,
                      usdcSentToTrader: payout, rolloverFee: rollover, closingFee: closingFee)
    }

    /// A LimitExecuted: orderType 0 TP, 1 SL, 2 liquidation, 3 limit open.
    static func limit(_ trader: String, orderType: Int64, pair: Int64 = 0, index: Int64 = 0, collateral: Int64, entry: Int64,
                      price: Int64, percentProfit: Int64 = 0, payout: Int64 = 0, fee: Int64 = 0, buy: Bool = true,
                      openTime: Int64 = 1_800_000_000) -> MockExecution {
        MockExecution(kind: .limit, orderID: 3, trader: trader, pairIndex: pair, index: index, initialPosToken: collateral,
                      openPrice: entry, buy: buy, openTime: openTime, orderType: orderType, price: price,
                      positionSizeUSDC: collateral, percentProfit: percentProfit, usdcSentToTrader: payout,
                      openingFee: orderType == 3 ? fee : 0, closingFee: orderType == 3 ? 0 : fee)
    }
}
