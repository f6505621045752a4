@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaStore
import Foundation
import Testing

/// What one block range of raw logs becomes, by table: `Redecoder.plan` is pure.
@Suite("Redecode plan")
struct RedecodePlanTests {
    static let callbacks = EVMAddress(hex: "0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970")!
    static let storage = EVMAddress(hex: "0x8a311D7048c35985aa31C131B9A13e03a5f7422d")!
    static let trader = EVMAddress(hex: "0x00000000000000000000000000000000000a11ce")!
    static let assembler = FillAssembler(decoder: AvantisLogDecoder(addresses: [.tradingCallbacks: callbacks, .tradingStorage: storage]))

    static func word(_ value: UInt64) -> [UInt8] { [UInt8](repeating: 0, count: 24) + withUnsafeBytes(of: value.bigEndian, Array.init) }
    static func address(_ value: EVMAddress) -> [UInt8] { [UInt8](repeating: 0, count: 12) + value.bytes }

    static func topic(_ name: String, _ generation: EventGeneration, _ contract: AvantisContract) -> Hash32 {
        AvantisEventCatalogue.builtIn.definitions.first { $0.name == name && $0.generation == generation && $0.contract == contract }!.topic0
    }

    /// A v2 market open (its words: the v1.5 ones, then coin exposure and its flag).
    static var v2Open: [UInt8] {
        let trade = address(trader) + [1, 0, 100_000_000, 0, 650_000_000_000_000, 1, 100_000_000_000, 0, 0, 1_800_000_000].flatMap(word)
        return word(9) + trade + [1, 650_000_000_000_000, 100_000_000, 0, 0, 0, 5, 0].flatMap(word)
    }

    static func row(_ id: Int64, tx: UInt8, index: Int32, _ address: EVMAddress, _ topic: Hash32, _ data: [UInt8],
                    reason: String, time: Int64? = 1_800_000_100) -> StoredRawLog {
        StoredRawLog(id: id, blockNumber: 10, blockHash: .zero, blockTime: time, txHash: Hash32(bytes: [UInt8](repeating: tx, count: 32))!,
                     logIndex: index, address: address, topics: [topic], data: data, reason: reason)
    }

    static let fee = row(1, tx: 1, index: 0, storage, topic("FeesCharged", "v1+", .tradingStorage),
                         address(trader) + word(1) + word(1) + word(700_000), reason: "companion")
    static let open = row(2, tx: 1, index: 1, callbacks, topic("MarketExecuted", "v2", .tradingCallbacks), v2Open, reason: "unknown_topic")
    static let stillUnknown = row(3, tx: 1, index: 2, callbacks, Hash32(bytes: [UInt8](repeating: 0xee, count: 32))!, word(1),
                                  reason: "unknown_topic")

    @Test func aTransactionNowKnownBecomesItsFillsWithTheFeesKeptBesideIt() {
        let plan = Redecoder.plan([Self.fee, Self.open], assembler: Self.assembler)
        #expect(plan.fills.count == 1 && plan.fills.first?.openingFee == 700_000 && plan.fills.first?.kind == .open)
        #expect(plan.deleted == [1, 2] && plan.keptAsCompanions.isEmpty)
        #expect(plan.transactions == 1 && plan.decodedRaw == 1 && plan.stillRaw == 0)
    }

    @Test func aLogStillUnknownStaysRawAndWhatDecodedStaysBesideIt() {
        let plan = Redecoder.plan([Self.fee, Self.open, Self.stillUnknown], assembler: Self.assembler)
        #expect(plan.fills.count == 1 && plan.deleted.isEmpty && plan.keptAsCompanions == [2])
        #expect(plan.stillRaw == 1 && plan.decodedRaw == 1)
        // Run again on what is left: nothing new.
        var open = Self.open
        open.reason = "companion"
        let again = Redecoder.plan([Self.fee, open, Self.stillUnknown], assembler: Self.assembler)
        #expect(again.fills.isEmpty && again.deleted.isEmpty && again.keptAsCompanions.isEmpty && again.stillRaw == 1)
    }

    @Test func companionsAloneAndLogsWithoutABlockTimeAreLeft() {
        #expect(Redecoder.plan([Self.fee], assembler: Self.assembler).transactions == 0)
        var old = Self.open
        old.blockTime = nil
        let plan = Redecoder.plan([Self.fee, old], assembler: Self.assembler)
        #expect(plan.fills.isEmpty && plan.withoutBlockTime == 1 && plan.deleted.isEmpty)
    }
}
