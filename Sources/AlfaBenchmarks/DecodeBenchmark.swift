import AlfaApp
import AlfaChain
import AlfaCore
import Foundation

/// `alfa bench decode`: raw `eth_getLogs` JSON bytes → fills on one core, for a page shaped
/// like Avantis traffic (each execution with its fee and open-interest logs) of the given
/// generations in equal parts; v2 closes carry funding.
public enum DecodeBenchmark {
    public struct Report: Sendable, CustomStringConvertible {
        public var generations: [String]
        public var logs: Int
        public var fills: Int
        public var bytes: Int
        public var bestSeconds: Double

        public var description: String {
            let logsPerSecond = Double(logs) / bestSeconds
            return """
                decode: \(logs) logs (\(bytes / 1_048_576) MiB of JSON, \(generations.joined(separator: " + "))) → \(fills) fills, one core, best of 5
                  \(Int(logsPerSecond)) logs/s, \(Int(Double(fills) / bestSeconds)) fills/s, \
                \(Int(Double(bytes) / bestSeconds / 1_048_576)) MiB/s  (target ≥ 100,000 logs/s: \(logsPerSecond >= 100_000 ? "met" : "NOT met"))
                """
        }
    }

    public static func run(executions: Int = 50_000, generations: [String] = ["v1", "v1.5", "v2"], seed: UInt64 = 7) -> Report {
        let addresses: [AvantisContract: EVMAddress] = [
            .tradingCallbacks: EVMAddress(hex: "0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970")!,
            .tradingStorage: EVMAddress(hex: "0x8a311D7048c35985aa31C131B9A13e03a5f7422d")!,
            .pairInfos: EVMAddress(hex: "0x81F22d0Cc22977c91bEfE648C9fddf1f2bd977e5")!,
        ]
        let (json, blocks) = page(executions: executions, generations: generations, addresses: addresses, seed: seed)
        let assembler = FillAssembler(decoder: AvantisLogDecoder(addresses: addresses))
        let times = Dictionary(uniqueKeysWithValues: (0...blocks).map { (Int64($0) + 1, Int64(1_800_000_000 + $0 * 2)) })
        var best = Double.infinity
        var logs = 0, fills = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let decoded = (try? RPCLog.decodeArray(json)) ?? []
            let assembled = assembler.assemble(decoded, blockTimes: times)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            (logs, fills) = (decoded.count, assembled.fills.count)
        }
        return Report(generations: generations, logs: logs, fills: fills, bytes: json.count, bestSeconds: best)
    }

    /// An `eth_getLogs` result as a provider would send it.
    static func page(executions: Int, generations: [String], addresses: [AvantisContract: EVMAddress],
                     seed: UInt64) -> (json: [UInt8], blocks: Int) {
        var random = SeededRandom(seed: seed)
        let catalogue = AvantisEventCatalogue.builtIn
        func topic(_ name: String, _ generation: EventGeneration, _ contract: AvantisContract) -> String {
            catalogue.definitions.first { $0.name == name && $0.generation == generation && $0.contract == contract }!.topic0.description
        }
        func word(_ value: UInt64) -> String { String(repeating: "0", count: 48) + hex16(value) }
        func hex16(_ value: UInt64) -> String { let digits = String(value, radix: 16); return String(repeating: "0", count: 16 - digits.count) + digits }
        var out = "["
        var block = 1, logIndex = 0, count = 0
        func emit(_ address: EVMAddress, _ topic0: String, _ words: [String], tx: Int) {
            if count > 0 { out += "," }
            count += 1
            out += #"{"address":"\#(address)","topics":["\#(topic0)"],"data":"0x\#(words.joined())","#
            out += #""blockNumber":"0x\#(String(block, radix: 16))","blockHash":"0x\#(String(repeating: hex16(UInt64(block)), count: 4))","#
            out += #""transactionHash":"0x\#(String(repeating: hex16(UInt64(tx)), count: 4))","transactionIndex":"0x0","#
            out += #""logIndex":"0x\#(String(logIndex, radix: 16))","removed":false}"#
            logIndex += 1
        }
        for execution in 0..<executions {
            if execution % 20 == 0 { block += 1; logIndex = 0 }
            let label = generations[Int(random.next() % UInt64(generations.count))]
            let generation = EventGeneration(label)!
            let v2 = label == "v2"
            let open = execution % 2 == 0
            let trader = UInt64(random.next() % 5_000)
            let collateral = 10_000_000 + random.next() % 1_000_000_000
            let trade = [word(trader), word(random.next() % 80), word(random.next() % 3), word(collateral), word(0),
                         word(650_000_000_000_000), word(1), word(100_000_000_000), word(0), word(0), word(1_799_000_000)]
            let tail = [word(open ? 1 : 0), word(650_000_000_000_000), word(collateral), word(0), word(open ? 0 : collateral)]
                + (label == "v1" ? [] : [word(0)]) + (v2 ? [word(120_000), word(1)] : [])
            if open {
                emit(addresses[.tradingStorage]!, topic("FeesCharged", "v1+", .tradingStorage),
                     [word(trader), word(1), word(1), word(1_000)], tx: execution)
                emit(addresses[.pairInfos]!, topic("TradeInitialAccFeesStored", "v1+", .pairInfos),
                     [word(trader), word(1), word(0), word(0)], tx: execution)
            } else {
                let funding = String(repeating: "f", count: 60) + "ff38"  // −200: received
                emit(addresses[.pairInfos]!, topic("FeesCharged", v2 ? "v2" : "v1+", .pairInfos),
                     [word(1), word(collateral), word(100_000_000_000), word(0), word(10), word(20), word(0)] + (v2 ? [funding] : []),
                     tx: execution)
            }
            emit(addresses[.tradingStorage]!, topic("OIUpdated", "v1+", .tradingStorage),
                 [word(open ? 1 : 0), word(1), word(1), word(collateral * 10), word(650_000_000_000_000)], tx: execution)
            emit(addresses[.tradingCallbacks]!, topic("MarketExecuted", generation, .tradingCallbacks),
                 [word(UInt64(execution))] + trade + tail, tx: execution)
        }
        out += "]"
        return (Array(out.utf8), block)
    }
}
