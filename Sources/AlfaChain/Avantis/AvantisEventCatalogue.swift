import AlfaCore
import Foundation

/// Every Avantis event the indexer knows, keyed by contract and topic0: the ABI files built
/// into alfa (abi/, one per generation), plus those of `AVANTIS_ABI_DIR`.
public struct AvantisEventCatalogue: Sendable {
    public let definitions: [AvantisEventDefinition]
    private let byTopic: [Key: Int]

    private struct Key: Hashable {
        let contract: AvantisContract
        let topic0: Hash32
    }

    /// `definitions` in order; a later one replaces an earlier one of the same contract and topic0.
    public init(_ definitions: [AvantisEventDefinition]) {
        var kept: [AvantisEventDefinition] = []
        var byTopic: [Key: Int] = [:]
        for definition in definitions {
            let key = Key(contract: definition.contract, topic0: definition.topic0)
            if let index = byTopic[key] { kept[index] = definition } else {
                byTopic[key] = kept.count
                kept.append(definition)
            }
        }
        self.definitions = kept
        self.byTopic = byTopic
    }

    public func definition(for topic0: Hash32, from contract: AvantisContract) -> AvantisEventDefinition? {
        byTopic[Key(contract: contract, topic0: topic0)].map { definitions[$0] }
    }

    /// The generations of executed events, oldest first.
    public var fillGenerations: [EventGeneration] {
        var seen: [EventGeneration] = []
        for definition in definitions where definition.role == .marketExecuted && !seen.contains(definition.generation) {
            seen.append(definition.generation)
        }
        return seen
    }

    /// The built-in generations. An event that a later generation repeats unchanged (same
    /// topic0) is listed once, under its first generation with a `+` (`v1+`).
    public static let builtIn: AvantisEventCatalogue = {
        do {
            var events: [(event: ABIEvent, contract: AvantisContract, generation: String)] = []
            for file in AvantisABI.builtInFiles {
                for (contract, list) in try AvantisABI.contracts(Data(file.json.utf8)) {
                    events += list.map { ($0, contract, file.generation) }
                }
            }
            var generations: [String: Set<String>] = [:]
            for item in events { generations[identity(item.event, item.contract), default: []].insert(item.generation) }
            var seen: Set<String> = []
            var definitions: [AvantisEventDefinition] = []
            for item in events where seen.insert(identity(item.event, item.contract)).inserted {
                let label = generations[identity(item.event, item.contract)]!.count > 1 ? item.generation + "+" : item.generation
                definitions.append(try AvantisEventDefinition(item.event, contract: item.contract, generation: EventGeneration(label)!,
                                                              source: "built-in \(item.generation)"))
            }
            return AvantisEventCatalogue(definitions)
        } catch {
            preconditionFailure("the built-in Avantis ABI does not load: \(error)")
        }
    }()

    private static func identity(_ event: ABIEvent, _ contract: AvantisContract) -> String {
        contract.rawValue + "." + event.name + "(" + event.inputs.map(\.type.canonicalName).joined(separator: ",") + ")"
    }

    /// `base` (the built-in catalogue) with the files of `directory` (AVANTIS_ABI_DIR) added: each
    /// file `CONTRACT.json`, whose events win over those of `base` with the same topic0.
    /// `generation` labels them unless a file says its own (`{"generation": "v2.1", "abi": [...]}`).
    public static func loading(directory: String, over base: AvantisEventCatalogue = .builtIn,
                               generation: EventGeneration = "v2") throws(AvantisABI.FileError) -> AvantisEventCatalogue {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw AvantisABI.FileError(file: directory, reason: "is not a readable folder")
        }
        var definitions = base.definitions
        for file in files {
            let path = directory + "/" + file
            guard let contract = AvantisContract(rawValue: String(file.dropLast(5))) else {
                throw AvantisABI.FileError(file: path, reason: "is not named after a watched contract ("
                    + AvantisContract.allCases.map { $0.rawValue + ".json" }.joined(separator: ", ") + ")")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw AvantisABI.FileError(file: path, reason: "cannot be read")
            }
            definitions += try AvantisABI.definitions(data, contract: contract, file: path, generation: generation)
        }
        return AvantisEventCatalogue(definitions)
    }
}

extension AvantisEventCatalogue {
    /// The topic0s that others published for a signature, held against ours (`alfa abi inspect`,
    /// tests): never used to decode. v1 and v1.5 from indexers checked against live Base logs;
    /// v2 `MarketExecuted` from a third-party tool reading live Base (see docs/indexer.md).
    public static let publishedTopic0s: [String: Hash32] = {
        let trade = "(address,uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256)"
        let published = [
            "MarketExecuted(uint256,\(trade),bool,uint256,uint256,int256,uint256)":
                "0xdbe34a0ae1c9c65460a7efc44af9aadd9b07a8b3e112ee70a71eeeba287b2d62",
            "MarketExecuted(uint256,\(trade),bool,uint256,uint256,int256,uint256,bool)":
                "0x5c00d8b4c6c92b4922d1bd61ef722ec9a29169acb95d956676b07be6a6643eea",
            "MarketExecuted(uint256,\(trade),bool,uint256,uint256,int256,uint256,bool,uint256,bool)":
                "0x194c5538fd1fd53a5ec20cd85e48e0a542b1cbfb713ee866339c38465118308a",
            "LimitExecuted(uint256,uint256,\(trade),uint8,uint256,uint256,int256,uint256)":
                "0xa8f1c330dfd645b9efba2033f04003aa1793208fa11fa288d7cedacb5102d312",
            "LimitExecuted(uint256,uint256,\(trade),uint8,uint256,uint256,int256,uint256,bool)":
                "0xbf3d234454deff88435a11abb8501124ff9e6923fd2fdfc730d83474b6ffbe2c",
            "MarketOpenCanceled(uint256,address,uint256)": "0x4b2ef4d80a0964a9a8f43256d8111558389b384d2029743c1eeb6950b14d9c65",
            "FeesCharged(address,uint256,bool,uint256)": "0x9921a6a6258398cbe136bac24f80d97ba2b5e4ab8cf2b2d27232d2ae1c78cdd3",
            "FeesCharged(bool,uint256,uint256,int256,uint256,uint256,uint256)":
                "0xb70bf101b761b8a0fe59428f8a894321d6639ef13ab81b9bf16d19764a7dba66",
        ]
        return published.mapValues { Hash32(hex: $0)! }
    }()
}
