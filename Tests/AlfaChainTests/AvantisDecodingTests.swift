@testable import AlfaChain
import AlfaCore
import Testing

/// Builds event data word by word, as an ABI encoder would.
struct WordWriter {
    var bytes: [UInt8] = []

    mutating func uint(_ value: UInt64) { bytes += [UInt8](repeating: 0, count: 24) + withUnsafeBytes(of: value.bigEndian, Array.init) }
    mutating func int(_ value: Int64) {
        bytes += [UInt8](repeating: value < 0 ? 0xff : 0, count: 24) + withUnsafeBytes(of: value.bigEndian, Array.init)
    }
    mutating func bool(_ value: Bool) { uint(value ? 1 : 0) }
    mutating func address(_ value: EVMAddress) { bytes += [UInt8](repeating: 0, count: 12) + value.bytes }
    mutating func raw(_ word: [UInt8]) { bytes += word }
}

enum SampleLogs {
    static let callbacks = EVMAddress(hex: "0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970")!
    static let storage = EVMAddress(hex: "0x8a311D7048c35985aa31C131B9A13e03a5f7422d")!
    static let pairInfos = EVMAddress(hex: "0x81F22d0Cc22977c91bEfE648C9fddf1f2bd977e5")!
    static let trader = EVMAddress(hex: "0x00000000000000000000000000000000000a11ce")!
    static let decoder = AvantisLogDecoder(addresses: [.tradingCallbacks: callbacks, .tradingStorage: storage, .pairInfos: pairInfos])
    static func topic(_ name: String, _ generation: EventGeneration, _ contract: AvantisContract = .tradingCallbacks) -> Hash32 {
        AvantisEventCatalogue.builtIn.definitions.first { $0.name == name && $0.generation == generation && $0.contract == contract }!.topic0
    }

    static func trade(_ w: inout WordWriter, collateral: UInt64, openTime: UInt64 = 1_800_000_000, buy: Bool = true,
                      pair: UInt64 = 1, index: UInt64 = 0) {
        w.address(trader); w.uint(pair); w.uint(index); w.uint(collateral); w.uint(0); w.uint(650_000_000_000_000)
        w.bool(buy); w.uint(100_000_000_000); w.uint(0); w.uint(0); w.uint(openTime)
    }

    /// MarketExecuted data of either generation.
    static func market(open: Bool, collateral: UInt64, closing: UInt64, percent: Int64 = 0, payout: UInt64 = 0,
                       isPnl: Bool? = true, orderID: UInt64 = 7) -> [UInt8] {
        var w = WordWriter()
        w.uint(orderID)
        trade(&w, collateral: collateral)
        w.bool(open); w.uint(660_000_000_000_000); w.uint(closing); w.int(percent); w.uint(payout)
        if let isPnl { w.bool(isPnl) }
        return w.bytes
    }

    static func limit(orderType: UInt64, collateral: UInt64, percent: Int64 = 0, payout: UInt64 = 0, isPnl: Bool? = true) -> [UInt8] {
        var w = WordWriter()
        w.uint(9); w.uint(123)
        trade(&w, collateral: collateral)
        w.uint(orderType); w.uint(660_000_000_000_000); w.uint(collateral); w.int(percent); w.uint(payout)
        if let isPnl { w.bool(isPnl) }
        return w.bytes
    }

    static func openingFee(_ fee: UInt64, buy: Bool = true, pair: UInt64 = 1) -> [UInt8] {
        var w = WordWriter()
        w.address(trader); w.uint(pair); w.bool(buy); w.uint(fee)
        return w.bytes
    }

    static func closingFee(collateral: UInt64, rollover: UInt64, closing: UInt64, buy: Bool = true) -> [UInt8] {
        var w = WordWriter()
        w.bool(buy); w.uint(collateral); w.uint(100_000_000_000); w.int(0); w.uint(rollover); w.uint(closing); w.uint(0)
        return w.bytes
    }

    static func log(_ address: EVMAddress, _ topic: Hash32, _ data: [UInt8], tx: UInt8 = 1, index: Int32, block: Int64 = 100) -> RPCLog {
        RPCLog(address: address, topics: [topic], data: data, blockNumber: block,
               blockHash: Hash32(bytes: [UInt8](repeating: 0xbb, count: 32))!,
               transactionHash: Hash32(bytes: [UInt8](repeating: tx, count: 32))!, logIndex: index)
    }
}

@Suite("Avantis event catalogue and decoding")
struct AvantisDecodingTests {
    typealias S = SampleLogs

    @Test func everyPublishedTopic0IsTheKeccakOfItsSignature() {
        let catalogue = AvantisEventCatalogue.builtIn
        var matched = 0
        for definition in catalogue.definitions {
            guard let published = AvantisEventCatalogue.publishedTopic0s[definition.signature] else { continue }
            #expect(definition.topic0 == published, "\(definition.name) \(definition.generation): \(definition.signature)")
            matched += 1
        }
        // MarketOpenCanceled counts twice: TradingCallbacks and, from v2, TradingStorage.
        #expect(matched == 9)
        #expect(catalogue.fillGenerations == ["v1", "v1.5", "v2"])
    }

    @Test func layoutsHaveTheDocumentedWordCounts() {
        let sizes = Dictionary(uniqueKeysWithValues: AvantisEventCatalogue.builtIn.definitions
            .filter { $0.role == .marketExecuted || $0.role == .limitExecuted }
            .map { ("\($0.name) \($0.generation)", $0.dataLayout.count * 32) })
        // v1 LimitExecuted and v1.5 MarketExecuted are both 576 bytes: only topic0 tells them apart.
        #expect(sizes == ["MarketExecuted v1": 544, "MarketExecuted v1.5": 576, "MarketExecuted v2": 640,
                          "LimitExecuted v1": 576, "LimitExecuted v1.5": 608, "LimitExecuted v2": 640])
    }

    @Test func sameLengthEventsAreToldApartByTopic0() throws {
        let v1Limit = S.log(S.callbacks, S.topic("LimitExecuted", "v1"), S.limit(orderType: 1, collateral: 5, isPnl: nil), index: 0)
        let v15Market = S.log(S.callbacks, S.topic("MarketExecuted", "v1.5"), S.market(open: true, collateral: 5, closing: 5), index: 1)
        #expect(v1Limit.data.count == v15Market.data.count)
        guard case .success((let d1, .executed(let e1))) = S.decoder.decode(v1Limit),
              case .success((let d2, .executed(let e2))) = S.decoder.decode(v15Market) else {
            Issue.record("both should decode"); return
        }
        #expect(d1.name == "LimitExecuted" && e1.limitOrderType == 1 && e1.generation == "v1")
        #expect(d2.name == "MarketExecuted" && e2.marketOpen && e2.generation == "v1.5")
    }

    @Test func feesAreMatchedToTheExecutionsOfTheirTransactionInLogOrder() {
        let logs = [
            S.log(S.storage, S.topic("FeesCharged", "v1+", .tradingStorage), S.openingFee(1_000_000), tx: 1, index: 0),
            S.log(S.callbacks, S.topic("MarketExecuted", "v1.5"), S.market(open: true, collateral: 99_000_000, closing: 99_000_000), tx: 1, index: 1),
            // Two closes in one transaction: each PairInfos fee precedes its execution.
            S.log(S.pairInfos, S.topic("FeesCharged", "v1+", .pairInfos), S.closingFee(collateral: 40_000_000, rollover: 1, closing: 2), tx: 2, index: 2),
            S.log(S.callbacks, S.topic("MarketExecuted", "v1.5"),
                  S.market(open: false, collateral: 99_000_000, closing: 40_000_000, percent: 10_000_000_000, payout: 43_000_000), tx: 2, index: 3),
            S.log(S.pairInfos, S.topic("FeesCharged", "v1+", .pairInfos), S.closingFee(collateral: 59_000_000, rollover: 3, closing: 4), tx: 2, index: 4),
            S.log(S.callbacks, S.topic("MarketExecuted", "v1", .tradingCallbacks),
                  S.market(open: false, collateral: 59_000_000, closing: 59_000_000, percent: -5, payout: 50_000_000, isPnl: nil), tx: 2, index: 5),
            // A fee with no execution in its transaction is not carried over to the next one.
            S.log(S.storage, S.topic("FeesCharged", "v1+", .tradingStorage), S.openingFee(555), tx: 3, index: 6),
            S.log(S.callbacks, S.topic("MarketExecuted", "v1.5"), S.market(open: true, collateral: 1, closing: 1), tx: 4, index: 7),
        ]
        let out = FillAssembler(decoder: S.decoder).assemble(logs, blockTimes: [100: 1_800_000_500])
        #expect(out.rejected.isEmpty)
        #expect(out.fills.map(\.kind) == [.open, .partialClose, .close, .open])
        #expect(out.fills.map(\.openingFee) == [1_000_000, 0, 0, 0])
        #expect(out.fills.map(\.rolloverFee) == [0, 1, 3, 0])
        #expect(out.fills.map(\.closingFee) == [0, 2, 4, 0])
        #expect(out.fills[1].netPnL == 3_000_000 && out.fills[1].grossPnL == 400_000)  // 1 % of 40 USDC
        #expect(out.fills[2].eventGeneration == "v1")
        #expect(out.fills.allSatisfy { $0.blockTime == 1_800_000_500 && $0.trader == S.trader })
        #expect(out.eventCounts["FeesCharged v1+"] == 4)
    }

    @Test(arguments: [(UInt64(0), FillKind.takeProfit), (1, .stopLoss), (2, .liquidation), (3, .open)])
    func limitOrderTypesBecomeFillKinds(orderType: UInt64, kind: FillKind) {
        let log = S.log(S.callbacks, S.topic("LimitExecuted", "v1.5"),
                        S.limit(orderType: orderType, collateral: 10_000_000, percent: 650_000_000_000_000, payout: 0), index: 0)
        let fill = FillAssembler(decoder: S.decoder).assemble([log], blockTimes: [100: 1]).fills.first
        #expect(fill?.kind == kind && fill?.orderType == .limit)
        // A limit open's percentProfit is its trigger price, not a PnL.
        #expect(fill?.percentProfit == (orderType == 3 ? 0 : 650_000_000_000_000))
    }

    @Test func malformedDataIsRejectedWithAReasonAndNeverBecomesAFill() {
        var badBool = S.market(open: true, collateral: 5, closing: 5)
        badBool[12 * 32 + 31] = 2
        var dirtyAddress = S.market(open: true, collateral: 5, closing: 5)
        dirtyAddress[32] = 1  // t.trader word with a high byte set
        var hugeOrder = S.market(open: true, collateral: 5, closing: 5)
        hugeOrder[0] = 1  // orderId ≥ 2^248
        var hugePair = S.market(open: true, collateral: 5, closing: 5)
        hugePair[2 * 32 + 27] = 1  // pairIndex ≥ 2^32
        var badOrderType = S.limit(orderType: 7, collateral: 5)
        badOrderType[0] = 0
        let cases: [([UInt8], Hash32, String)] = [
            (Array(S.market(open: true, collateral: 5, closing: 5).prefix(500)), S.topic("MarketExecuted", "v1.5"), "500 data bytes, expected 576"),
            (S.market(open: true, collateral: 5, closing: 5, isPnl: nil), S.topic("MarketExecuted", "v1.5"), "544 data bytes"),
            (badBool, S.topic("MarketExecuted", "v1.5"), "open: word 12 is not a bool"),
            (dirtyAddress, S.topic("MarketExecuted", "v1.5"), "t.trader: word 1 is not an address"),
            (hugeOrder, S.topic("MarketExecuted", "v1.5"), "orderId is out of range"),
            (hugePair, S.topic("MarketExecuted", "v1.5"), "t.pairIndex is out of range"),
            (badOrderType, S.topic("LimitExecuted", "v1.5"), "orderType 7 is not 0–3"),
        ]
        for (data, topic, reason) in cases {
            let out = FillAssembler(decoder: S.decoder).assemble([S.log(S.callbacks, topic, data, index: 0)], blockTimes: [100: 1])
            #expect(out.fills.isEmpty)
            guard case .malformed(_, let why)? = out.rejected.first?.rejection else { Issue.record("not rejected: \(reason)"); continue }
            #expect(why.contains(reason), "\(why)")
        }
    }

    @Test func unknownTopicsAndTopicsFromTheWrongContractAreKeptRaw() {
        // A generation alfa does not know yet.
        let v3 = Hash32(bytes: Keccak256.hash("MarketExecuted(uint256,uint256)".utf8))!
        let logs = [
            S.log(S.callbacks, v3, [UInt8](repeating: 0, count: 64), index: 0),
            // A MarketExecuted topic from PairInfos is not a fill.
            S.log(S.pairInfos, S.topic("MarketExecuted", "v1.5"), S.market(open: true, collateral: 5, closing: 5), index: 1),
            RPCLog(address: S.callbacks, topics: [], data: [], blockNumber: 100, blockHash: .zero, transactionHash: .zero, logIndex: 2),
        ]
        let out = FillAssembler(decoder: S.decoder).assemble(logs, blockTimes: [100: 1])
        #expect(out.fills.isEmpty)
        #expect(out.rejected.map(\.rejection) == [.unknownTopic(v3), .unknownTopic(S.topic("MarketExecuted", "v1.5")), .unknownTopic(nil)])
    }

    @Test func canceledOpensAndInformationalEventsAreCountedNotFilled() {
        var w = WordWriter()
        w.uint(77); w.uint(3)
        var traderTopic = [UInt8](repeating: 0, count: 12) + S.trader.bytes
        let canceled = RPCLog(address: S.callbacks, topics: [S.topic("MarketOpenCanceled", "v1+"), Hash32(bytes: traderTopic)!],
                              data: w.bytes, blockNumber: 100, blockHash: .zero, transactionHash: .zero, logIndex: 0)
        #expect(S.decoder.decode(canceled).map(\.1) == .success(.openCanceled(orderID: 77, trader: S.trader, pairIndex: 3)))
        traderTopic[0] = 1
        let dirty = RPCLog(address: S.callbacks, topics: [S.topic("MarketOpenCanceled", "v1+"), Hash32(bytes: traderTopic)!],
                           data: w.bytes, blockNumber: 100, blockHash: .zero, transactionHash: .zero, logIndex: 1)
        #expect(FillAssembler(decoder: S.decoder).assemble([canceled, dirty], blockTimes: [:]).canceledOpens == 1)
    }
}
