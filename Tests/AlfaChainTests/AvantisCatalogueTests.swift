@testable import AlfaChain
import AlfaCore
import Foundation
import Testing

/// v2 logs, word by word, as the v2 contracts encode them (the built-in hypothesis: v1.5's
/// fields with v2's appended).
enum V2Logs {
    typealias S = SampleLogs

    static func market(open: Bool, collateral: UInt64, closing: UInt64, price: UInt64 = 670_000_000_000_000, percent: Int64 = 0,
                       payout: UInt64 = 0, openTime: UInt64 = 1_800_000_000) -> [UInt8] {
        var w = WordWriter()
        w.uint(7)
        S.trade(&w, collateral: collateral, openTime: openTime)
        w.bool(open); w.uint(price); w.uint(closing); w.int(percent); w.uint(payout); w.bool(false)
        w.uint(12_000_000_000); w.bool(true)  // coinExposure, isCoinExposureFixed
        return w.bytes
    }

    static func closingFee(collateral: UInt64, rollover: UInt64, closing: UInt64, funding: Int64) -> [UInt8] {
        var w = WordWriter()
        w.bool(true); w.uint(collateral); w.uint(100_000_000_000); w.int(0); w.uint(rollover); w.uint(closing); w.uint(0)
        w.int(funding)
        return w.bytes
    }
}

@Suite("Avantis ABI catalogue: built-in generations, AVANTIS_ABI_DIR, v2")
struct AvantisCatalogueTests {
    typealias S = SampleLogs

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A folder with the given files, for AVANTIS_ABI_DIR.
    static func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-abi-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    static let tradeComponents = """
        [{"name":"trader","type":"address"},{"name":"pairIndex","type":"uint256"},{"name":"index","type":"uint256"},
         {"name":"initialPosToken","type":"uint256"},{"name":"positionSizeUSDC","type":"uint256"},
         {"name":"openPrice","type":"uint256"},{"name":"buy","type":"bool"},{"name":"leverage","type":"uint256"},
         {"name":"tp","type":"uint256"},{"name":"sl","type":"uint256"},{"name":"timestamp","type":"uint256"}]
        """

    /// MarketExecuted with v2's fields inserted before `price` instead of appended.
    static let reordered = """
        {"abi": [{"type": "event", "name": "MarketExecuted", "anonymous": false, "inputs": [
          {"name": "orderId", "type": "uint256", "indexed": false},
          {"name": "t", "type": "tuple", "indexed": false, "components": \(tradeComponents)},
          {"name": "open", "type": "bool", "indexed": false},
          {"name": "coinExposure", "type": "uint256", "indexed": false},
          {"name": "isCoinExposureFixed", "type": "bool", "indexed": false},
          {"name": "price", "type": "uint256", "indexed": false},
          {"name": "positionSizeUSDC", "type": "uint256", "indexed": false},
          {"name": "percentProfit", "type": "int256", "indexed": false},
          {"name": "usdcSentToTrader", "type": "uint256", "indexed": false},
          {"name": "isPnl", "type": "bool", "indexed": false},
          {"name": "builder", "type": "address", "indexed": false}]},
          {"type": "function", "name": "openTrade", "inputs": []}]}
        """

    @Test func theBuiltInABIsEqualTheAbiFolderFileForFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/abi").filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(AvantisABI.builtInFiles.map { "avantis-\($0.generation).json" }),
                "abi/ and the built-in set differ: run commands/lib/embed")
        for file in AvantisABI.builtInFiles {
            let text = try String(contentsOfFile: Self.root + "/abi/avantis-\(file.generation).json", encoding: .utf8)
            #expect(Array(text.utf8) == Array(file.json.utf8), "abi/avantis-\(file.generation).json differs: run commands/lib/embed")
        }
        #expect(AvantisABI.builtInFiles.map(\.generation) == ["v1", "v1.5", "v2"])
    }

    @Test func v2TopicsAreComputedFromTheJSONAndV2FillsCarryFunding() throws {
        let catalogue = AvantisEventCatalogue.builtIn
        let v2 = try #require(catalogue.definitions.first { $0.name == "MarketExecuted" && $0.generation == "v2" })
        #expect(v2.topic0 == Hash32(hex: "0x194c5538fd1fd53a5ec20cd85e48e0a542b1cbfb713ee866339c38465118308a"))
        let fees = try #require(catalogue.definitions.first { $0.contract == .pairInfos && $0.generation == "v2" })
        #expect(fees.signature == "FeesCharged(bool,uint256,uint256,int256,uint256,uint256,uint256,int256)")

        // A v1.5 open closed in v2 in two parts: funding paid on the first, received on the second.
        let open = S.log(S.callbacks, S.topic("MarketExecuted", "v1.5"), S.market(open: true, collateral: 100_000_000, closing: 100_000_000),
                         tx: 1, index: 1, block: 100)
        let openFee = S.log(S.storage, S.topic("FeesCharged", "v1+", .tradingStorage), S.openingFee(800_000), tx: 1, index: 0, block: 100)
        // Collateral 100 at 10×, price 66,000 → 67,000: +1.515 %, 15.15 % on collateral.
        let percent: Int64 = 15_1515151515
        let halfGross: UInt64 = 7_575_757
        let closes = [
            S.log(S.pairInfos, fees.topic0, V2Logs.closingFee(collateral: 50_000_000, rollover: 10_000, closing: 300_000, funding: 250_000),
                  tx: 2, index: 0, block: 200),
            S.log(S.callbacks, v2.topic0, V2Logs.market(open: false, collateral: 100_000_000, closing: 50_000_000, percent: percent,
                                                        payout: 50_000_000 + halfGross - 10_000 - 300_000 - 250_000), tx: 2, index: 1, block: 200),
            S.log(S.pairInfos, fees.topic0, V2Logs.closingFee(collateral: 50_000_000, rollover: 10_000, closing: 300_000, funding: -400_000),
                  tx: 3, index: 0, block: 300),
            S.log(S.callbacks, v2.topic0, V2Logs.market(open: false, collateral: 50_000_000, closing: 50_000_000, percent: percent,
                                                        payout: 50_000_000 + halfGross - 10_000 - 300_000 + 400_000), tx: 3, index: 1, block: 300),
        ]
        let out = FillAssembler(decoder: S.decoder).assemble([openFee, open] + closes, blockTimes: [100: 1_800_000_000, 200: 1_800_000_600, 300: 1_800_001_200])
        #expect(out.rejected.isEmpty)
        #expect(out.fills.map(\.eventGeneration) == ["v1.5", "v2", "v2"])
        #expect(out.fills.map(\.kind) == [.open, .partialClose, .close])
        #expect(out.fills.map(\.fundingFee) == [0, 250_000, -400_000])
        #expect(out.fills.map(\.fees) == [800_000, 560_000, -90_000])

        // One lifecycle across the upgrade; funding is in the payout, so it is not subtracted again.
        var book = PositionBook()
        var nets: [Int64] = []
        for fill in out.fills {
            if case .closed(let trade) = book.apply(fill) {
                #expect(!trade.payoutMismatch, "\(trade)")
                nets.append(trade.netPnL)
                #expect(trade.openedAt == 1_800_000_000)
            }
        }
        // payout − collateral closed − the closed half of the 0.8 USDC opening fee.
        #expect(nets == [Int64(halfGross) - 10_000 - 300_000 - 250_000 - 400_000,
                         Int64(halfGross) - 10_000 - 300_000 + 400_000 - 400_000])
    }

    @Test func marketOpenCanceledFromTradingStorageIsACancellationNotAnUnknownLog() throws {
        var w = WordWriter()
        w.uint(77); w.uint(3)
        let topic = S.topic("MarketOpenCanceled", "v2", .tradingStorage)
        #expect(topic == S.topic("MarketOpenCanceled", "v1+"))
        let log = RPCLog(address: S.storage, topics: [topic, Hash32(bytes: [UInt8](repeating: 0, count: 12) + S.trader.bytes)!],
                         data: w.bytes, blockNumber: 100, blockHash: .zero, transactionHash: .zero, logIndex: 0)
        let out = FillAssembler(decoder: S.decoder).assemble([log], blockTimes: [100: 1])
        #expect(out.canceledOpens == 1 && out.rejected.isEmpty && out.fills.isEmpty)
    }

    @Test func anABIDirectoryWithAnotherFieldOrderDecodesByName() throws {
        let catalogue = try AvantisEventCatalogue.loading(directory: Self.folder(["TradingCallbacks.json": Self.reordered]))
        let custom = try #require(catalogue.definitions.first { $0.source.hasSuffix("TradingCallbacks.json") })
        #expect(custom.generation == "v2" && custom.role == .marketExecuted)
        #expect(custom.topic0 != S.topic("MarketExecuted", "v2"))
        #expect(catalogue.definitions.count == AvantisEventCatalogue.builtIn.definitions.count + 1)

        var w = WordWriter()
        w.uint(41)
        S.trade(&w, collateral: 100_000_000)
        w.bool(false); w.uint(5_000); w.bool(true)  // open, coinExposure, isCoinExposureFixed
        w.uint(660_000_000_000_000); w.uint(100_000_000); w.int(-20_0000000000); w.uint(79_000_000); w.bool(false)
        w.address(S.trader)
        let decoder = AvantisLogDecoder(catalogue: catalogue, addresses: [.tradingCallbacks: S.callbacks])
        let fill = try #require(FillAssembler(decoder: decoder).assemble([S.log(S.callbacks, custom.topic0, w.bytes, index: 0)],
                                                                          blockTimes: [100: 1]).fills.first)
        #expect(fill.kind == .close && fill.price == 660_000_000_000_000 && fill.collateral == 100_000_000)
        #expect(fill.percentProfit == -20_0000000000 && fill.payout == 79_000_000 && fill.orderID == 41)
    }

    @Test func aFileEventWinsOverTheBuiltInOneWithTheSameTopic0() throws {
        // The v1.5 MarketExecuted with other names for the same types: same topic0, the file's names.
        let renamed = Self.reordered
            .replacingOccurrences(of: """
                  {"name": "coinExposure", "type": "uint256", "indexed": false},
                  {"name": "isCoinExposureFixed", "type": "bool", "indexed": false},

                """, with: "")
            .replacingOccurrences(of: """
                ,
                  {"name": "builder", "type": "address", "indexed": false}
                """, with: "")
            .replacingOccurrences(of: #"{"abi": ["#, with: #"{"generation": "v1.5-fix", "abi": ["#)
        let catalogue = try AvantisEventCatalogue.loading(directory: Self.folder(["TradingCallbacks.json": renamed]))
        let winner = try #require(catalogue.definition(for: S.topic("MarketExecuted", "v1.5"), from: .tradingCallbacks))
        #expect(winner.source.hasSuffix("TradingCallbacks.json") && winner.generation == "v1.5-fix")
        #expect(catalogue.definitions.count == AvantisEventCatalogue.builtIn.definitions.count)
    }

    @Test(arguments: [
        ("TradingCallbacks.json", "[{\"type\": \"event\", \"name\": ", "is not valid JSON"),
        ("TradingCallbacks.json", #"[{"type": "event", "name": "MarketExecuted", "inputs": [{"name": "orderId", "type": "uint256"}]}]"#,
         "TradingCallbacks.json: event MarketExecuted, field t.trader is missing (trader)"),
        ("PairInfos.json", #"[{"type": "event", "name": "FeesCharged", "inputs": [{"name": "buy", "type": "bool"}, {"name": "collateral", "type": "uint256"}, {"name": "leverage", "type": "uint256"}, {"name": "r", "type": "uint256"}, {"name": "closingFee", "type": "uint256"}, {"name": "fundingFee", "type": "uint256"}]}]"#,
         "PairInfos.json: event FeesCharged, field fundingFee is uint256, expected an int type"),
        ("TradingStorage.json", #"{"abi": [{"type": "event", "name": "FeesCharged", "inputs": [{"name": "_trader", "type": "uint160"}]}]}"#,
         "TradingStorage.json: event FeesCharged, field _trader is uint160, expected address"),
        ("PairInfos.json", #"[{"type": "event", "name": "Odd", "inputs": [{"name": "x", "type": "uint7"}]}]"#,
         "PairInfos.json: event Odd, field x has the unknown type uint7"),
        ("Trading.json", "[]", "Trading.json is not named after a watched contract"),
    ])
    func aFileAlfaCannotUseIsRefusedWithOneLine(file: String, text: String, message: String) throws {
        let folder = try Self.folder([file: text])
        do {
            _ = try AvantisEventCatalogue.loading(directory: folder)
            Issue.record("\(file) was accepted")
        } catch {
            #expect(error.description.hasPrefix("AVANTIS_ABI_DIR \(folder)/\(file)"), "\(error)")
            #expect(error.description.contains(message), "\(error)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func theExecutionMissingItsPayoutIsRefused() throws {
        let noPayout = Self.reordered.replacingOccurrences(of: #"{"name": "usdcSentToTrader", "type": "uint256", "indexed": false},"#, with: "")
        let folder = try Self.folder(["TradingCallbacks.json": noPayout])
        #expect(throws: AvantisABI.FileError.self) { try AvantisEventCatalogue.loading(directory: folder) }
        do { _ = try AvantisEventCatalogue.loading(directory: folder) } catch {
            #expect(error.description.hasSuffix("event MarketExecuted, field usdcSentToTrader is missing (payout (closes, net of every close-side fee))"))
        }
    }

    @Test func typesParseToTheirCanonicalNames() {
        let cases: [(String, String, Bool)] = [
            ("uint", "uint256", false), ("int", "int256", false), ("uint128", "uint128", false), ("bytes32", "bytes32", false),
            ("address[]", "address[]", true), ("uint256[3]", "uint256[3]", false), ("string", "string", true), ("bytes", "bytes", true),
        ]
        for (text, canonical, dynamic) in cases {
            #expect(ABIType.parse(text)?.canonicalName == canonical)
            #expect(ABIType.parse(text)?.isDynamic == dynamic)
        }
        #expect(ABIType.parse("uint7") == nil && ABIType.parse("bytes33") == nil && ABIType.parse("tuple") == nil)
        #expect(ABIType.parse("uint256[3]")!.flattened(prefix: "a").map(\.path) == ["a[0]", "a[1]", "a[2]"])
    }
}

@Suite("Layout solver: naming unknown topic0s")
struct LayoutSolverTests {
    typealias S = SampleLogs

    /// What alfa knew before v2.
    static let beforeV2 = AvantisEventCatalogue(AvantisEventCatalogue.builtIn.definitions.filter { $0.generation != "v2" })
    static let solver = LayoutSolver(catalogue: beforeV2)

    static func fields(_ name: String, _ generation: EventGeneration, _ contract: AvantisContract = .tradingCallbacks) -> [ABIField] {
        AvantisEventCatalogue.builtIn.definitions.first { $0.name == name && $0.generation == generation && $0.contract == contract }!.fields
    }

    static func topic(_ name: String, _ fields: [ABIField]) -> Hash32 {
        Hash32(bytes: Keccak256.hash((name + "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")").utf8))!
    }

    @Test func v2sAddedFieldsAreFoundAtEveryPositionTheyCouldBeInserted() {
        let cases: [(String, EventGeneration, AvantisContract, [ABIField])] = [
            ("MarketExecuted", "v1.5", .tradingCallbacks, [ABIField("coinExposure", .uint256), ABIField("isCoinExposureFixed", .bool)]),
            ("LimitExecuted", "v1.5", .tradingCallbacks, [ABIField("coinExposure", .uint256)]),
            ("FeesCharged", "v1+", .pairInfos, [ABIField("fundingFee", .int256)]),
        ]
        for (name, generation, contract, added) in cases {
            let base = Self.fields(name, generation, contract)
            for position in 0...base.count {
                var shuffled = base
                shuffled.insert(contentsOf: added, at: position)
                let matches = Self.solver.matches(Self.topic(name, shuffled), from: contract)
                #expect(matches.contains { $0.event.inputs.map(\.type) == shuffled.map(\.type) && $0.event.name == name },
                        "\(name) with \(added.map(\.name)) at \(position)")
            }
        }
        // Each added field alone, too.
        var alone = Self.fields("MarketExecuted", "v1.5")
        alone.insert(ABIField("isCoinExposureFixed", .bool), at: 3)
        #expect(!Self.solver.matches(Self.topic("MarketExecuted", alone), from: .tradingCallbacks).isEmpty)
        // Not from another contract.
        let appended = Self.fields("MarketExecuted", "v1.5") + cases[0].3
        #expect(Self.solver.matches(Self.topic("MarketExecuted", appended), from: .pairInfos).isEmpty)
        #expect(Self.solver.matches(Self.topic("MarketExecuted", [ABIField("x", .uint256)]), from: .tradingCallbacks).isEmpty)
    }

    @Test func anEventKnownByNameOnlyIsNamedWithTheColumnsAnIncreaseNeeds() throws {
        let increase = [ABIField("orderId", .uint256), ABIField("t", AvantisTrade.type), ABIField("a", .uint256), ABIField("b", .uint256)]
        let match = try #require(Self.solver.matches(Self.topic("PositionSizeIncreased", increase), from: .tradingCallbacks).first)
        #expect(match.event.inputs.map(\.name) == ["orderId", "t", "price", "positionSizeUSDC"])
        #expect(match.origin.contains("known by name only"))
        // It serves the increase role as it stands.
        let definition = try AvantisEventDefinition(match.event, contract: .tradingCallbacks, generation: "v2", source: "solver")
        #expect(definition.role == .positionIncreased)
    }

    @Test func plausibilityTellsTheRealLayoutFromOneWithTheSameTypes() throws {
        let v2 = Self.fields("MarketExecuted", "v2")
        let logs = (0..<5).map { index in
            S.log(S.callbacks, Self.topic("MarketExecuted", v2),
                  V2Logs.market(open: false, collateral: 100_000_000, closing: 40_000_000, percent: 15_1515151515,
                                payout: 40_000_000 + 6_060_606 - 200_000), index: Int32(index))
        }
        let candidates = Self.solver.matches(Self.topic("MarketExecuted", v2), from: .tradingCallbacks)
        let confirmed = candidates.filter { LayoutSolver.plausibility(of: $0, contract: .tradingCallbacks, logs: logs).confirmed }
        #expect(confirmed.contains { $0.event.inputs.map(\.name) == v2.map(\.name) })
        // Swapping the price and the closed collateral keeps the types and fails the checks.
        var swapped = v2
        let price = swapped.firstIndex { $0.name == "price" }!, size = swapped.firstIndex { $0.name == "positionSizeUSDC" }!
        swapped[price].name = "positionSizeUSDC"
        swapped[size].name = "price"
        let wrong = LayoutSolver.Candidate(contract: .tradingCallbacks, name: "MarketExecuted", fields: swapped, origin: "test")
        #expect(wrong.topic0 == Self.topic("MarketExecuted", v2))
        let check = LayoutSolver.plausibility(of: wrong, contract: .tradingCallbacks, logs: logs)
        #expect(!check.confirmed && check.firstFailure != nil, "\(check)")
    }

    @Test func theFeesOfTheTransactionAndThePairsRecentFillsAreHeldAgainstTheReading() throws {
        let v2 = Self.fields("MarketExecuted", "v2")
        let candidate = try #require(Self.solver.matches(Self.topic("MarketExecuted", v2), from: .tradingCallbacks)
            .first { $0.event.inputs.map(\.name) == v2.map(\.name) })
        // 40 USDC closed at +15.15 %: 6.06 gross; the transaction's fees were 0.2 USDC.
        let close = S.log(S.callbacks, candidate.topic0,
                          V2Logs.market(open: false, collateral: 100_000_000, closing: 40_000_000, percent: 15_1515151515,
                                        payout: 40_000_000 + 6_060_606 - 200_000), tx: 9, index: 0)
        let transaction = close.transactionHash
        let fits = LayoutSolver.Context(closeFees: [transaction: [200_000]])
        #expect(LayoutSolver.plausibility(of: candidate, contract: .tradingCallbacks, logs: [close], context: fits).confirmed)
        let other = LayoutSolver.Context(closeFees: [transaction: [900_000]])
        let check = LayoutSolver.plausibility(of: candidate, contract: .tradingCallbacks, logs: [close], context: other)
        #expect(!check.confirmed && check.firstFailure?.contains("the fees of its transaction") == true, "\(check)")
        // An open far from the pair's recent fills does not read as a price.
        let open = S.log(S.callbacks, candidate.topic0, V2Logs.market(open: true, collateral: 100_000_000, closing: 100_000_000), index: 1)
        #expect(LayoutSolver.plausibility(of: candidate, contract: .tradingCallbacks, logs: [open],
                                          context: .init(recentPrices: [1: 670_000_000_000_000])).confirmed)
        #expect(!LayoutSolver.plausibility(of: candidate, contract: .tradingCallbacks, logs: [open],
                                           context: .init(recentPrices: [1: 100_000_000_000_000])).confirmed)
    }

    @Test func theABIFileItWritesReadsBack() throws {
        let v2 = Self.fields("MarketExecuted", "v2")
        let text = ABIJSON.encode([ABIEvent(name: "MarketExecuted", inputs: v2, anonymous: false)])
        let folder = try AvantisCatalogueTests.folder(["TradingCallbacks.json": text])
        let catalogue = try AvantisEventCatalogue.loading(directory: folder, over: Self.beforeV2)
        let definition = try #require(catalogue.definition(for: Self.topic("MarketExecuted", v2), from: .tradingCallbacks))
        #expect(definition.fields == v2 && definition.source.hasSuffix("TradingCallbacks.json"))
    }
}

@Suite("Positions named in logs alfa cannot decode")
struct PositionScanTests {
    typealias S = SampleLogs
    static let trader = EVMAddress(hex: "0x6224c0ffee00000000000000000000000000d8e6")!

    @Test func aTradeTupleInTheDataNamesItsPosition() {
        var w = WordWriter()
        w.uint(77)
        w.address(Self.trader); w.uint(3); w.uint(2); w.uint(5_000_000); w.uint(0); w.uint(650_000_000_000_000)
        w.bool(true); w.uint(100_000_000_000); w.uint(0); w.uint(0); w.uint(1_800_000_000)
        w.uint(12)
        let found = PositionScan.references(in: S.log(S.callbacks, .zero, w.bytes, index: 0))
        #expect(found == [.init(trader: Self.trader, pairIndex: 3, tradeIndex: 2)])
    }

    @Test func anIndexedTraderWithPairAndSlotFirstNamesItsPosition() {
        var w = WordWriter()
        w.uint(4); w.uint(1); w.uint(650_000_000_000_000)
        let topic = Hash32(bytes: [UInt8](repeating: 0, count: 12) + Self.trader.bytes)!
        let log = RPCLog(address: S.callbacks, topics: [.zero, topic], data: w.bytes, blockNumber: 1, blockHash: .zero,
                         transactionHash: .zero, logIndex: 0)
        #expect(PositionScan.references(in: log) == [.init(trader: Self.trader, pairIndex: 4, tradeIndex: 1)])
    }

    @Test(arguments: [
        [UInt64](),                                   // no data
        [1, 2, 3],                                    // no address
        [0, 1, 2],                                    // the zero address is no trader
        [UInt64.max, 1, 2],                           // an amount, not an address
    ])
    func wordsThatAreNotAPositionNameNone(words: [UInt64]) {
        var w = WordWriter()
        words.forEach { w.uint($0) }
        #expect(PositionScan.references(in: S.log(S.callbacks, .zero, w.bytes, index: 0)).isEmpty)
    }

    @Test func aPairIndexTooLargeOrACutShortTupleNamesNone() {
        for tail in [[UInt64(1) << 20, 2], [1]] {
            var w = WordWriter()
            w.address(Self.trader)
            tail.forEach { w.uint($0) }
            #expect(PositionScan.references(in: S.log(S.callbacks, .zero, w.bytes, index: 0)).isEmpty, "\(tail)")
        }
    }
}
