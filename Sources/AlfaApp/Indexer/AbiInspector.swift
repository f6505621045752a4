import AlfaChain
import AlfaCore
import AlfaSettings
import Logging

/// `alfa abi inspect`: the event catalogue as the indexer uses it and, with `--verify`, what a
/// sample of recent logs from the RPC decodes to.
public enum AbiInspector {
    /// Every known event: contract, generation, signature, computed topic0 (and whether it is
    /// the published one), and which column each data word feeds.
    public static func catalogue(_ catalogue: AvantisEventCatalogue = .builtIn) -> String {
        var out: [String] = []
        for definition in catalogue.definitions {
            let published = AvantisEventCatalogue.publishedTopic0s[definition.signature]
            let check = published == nil ? "(not published)" : (published == definition.topic0 ? "matches the published value" : "DIFFERS FROM THE PUBLISHED VALUE")
            out.append("\(definition.contract.rawValue) \(definition.name) \(definition.generation) — \(definition.role.rawValue), from \(definition.source)")
            out.append("  signature \(definition.signature)")
            out.append("  topic0    \(definition.topic0) \(check)")
            if definition.fields.contains(where: \.indexed) {
                out.append("  topics    " + definition.fields.filter(\.indexed).map(\.name).joined(separator: ", "))
            }
            for (index, word) in definition.dataLayout.enumerated() {
                let column = definition.meaning(ofWord: index).map { " → \($0)" } ?? ""
                out.append("  word \(index < 10 ? " " : "")\(index)  \(word.path): \(word.type.canonicalName)\(column)")
            }
            out.append("")
        }
        out.append("known by name only (v2, layout not public; their logs are kept raw, and --verify tries layouts for them):")
        out.append("  " + LayoutSolver.v2NamesOnly.joined(separator: ", "))
        return out.joined(separator: "\n")
    }

    public struct Verification: Sendable {
        public var fromBlock: Int64
        public var toBlock: Int64
        public var logs = 0
        public var fills = 0
        public var eventCounts: [String: Int] = [:]
        public var unknownTopics: [String: Int] = [:]
        public var malformed: [String: Int] = [:]
        /// What the solver made of each unknown topic0, most logs first.
        public var solutions: [Solution] = []

        /// One unknown topic0 of one contract, and the layout that explains its logs, if any.
        public struct Solution: Sendable {
            public var contract: AvantisContract
            public var topic0: Hash32
            public var logs: Int
            /// The candidates that match the topic0 and read every sampled log plausibly.
            public var confirmed: [LayoutSolver.Candidate]
            /// Matched the topic0 but not the logs: the first reason.
            public var rejected: [(candidate: LayoutSolver.Candidate, reason: String)]
            /// Whether these logs carry trades: a fill role, a TradingCallbacks event, or a position in the data.
            public var carriesTrades: Bool

            /// The layout to adopt: the first confirmed one (they differ only in names of one type).
            public var answer: LayoutSolver.Candidate? { confirmed.first }
        }

        /// `AVANTIS_ABI_DIR` files for what the solver confirmed: file name → ABI JSON.
        public var abiFiles: [(file: String, json: String)] {
            let answers = solutions.compactMap { solution in solution.answer.map { (solution.contract, $0.event) } }
            return AvantisContract.allCases.compactMap { contract in
                let events = answers.filter { $0.0 == contract }.map(\.1)
                return events.isEmpty ? nil : (contract.rawValue + ".json", ABIJSON.encode(events))
            }
        }

        public var report: String {
            var lines = ["verified blocks \(fromBlock)–\(toBlock): \(logs) logs from the watched contracts, \(fills) fills"]
            lines.append("events seen:")
            lines += eventCounts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
            if eventCounts.isEmpty { lines.append("  none") }
            lines.append("unknown topic0s: \(unknownTopics.isEmpty ? "none" : "")")
            lines += unknownTopics.sorted { $0.value > $1.value }.map { topic, count in
                // Named where the solver found the event: "PositionSizeIncreased, layout unknown: 12 logs".
                if let name = solutions.first(where: { "\($0.topic0)" == topic })?.answer?.event.name {
                    return "  \(topic): \(name), layout not in the catalogue: \(count) log(s)"
                }
                return "  \(topic): \(count) log(s) — a new contract generation? see the solver below"
            }
            lines.append("decode failures: \(malformed.isEmpty ? "none" : "")")
            lines += malformed.sorted { $0.value > $1.value }.map { "  \($0.key): \($0.value)" }
            if !solutions.isEmpty {
                lines.append("solver (candidate layouts of the unknown topic0s, tried on their logs):")
                for solution in solutions {
                    lines.append("  \(solution.contract.rawValue) \(solution.topic0) (\(solution.logs) log(s)\(solution.carriesTrades ? ", carry trades" : "")):")
                    if let answer = solution.answer {
                        lines.append("    \(answer.signature)")
                        lines.append("    = \(answer.origin); plausible on every sampled log")
                        if solution.confirmed.count > 1 {
                            lines.append("    (\(solution.confirmed.count - 1) other name order(s) of the same types also read plausibly: check the names against Avantis' reference)")
                        }
                    } else if solution.rejected.isEmpty {
                        lines.append("    no candidate layout has this topic0: ask Avantis for the event's ABI")
                    } else {
                        lines.append("    \(solution.rejected.count) candidate(s) match the topic0 but not the logs, e.g. \(solution.rejected[0].candidate.signature): \(solution.rejected[0].reason)")
                    }
                }
                lines.append("v2 events known by name only, layout not public: " + LayoutSolver.v2NamesOnly.joined(separator: ", "))
                for (file, json) in abiFiles {
                    lines.append("ready AVANTIS_ABI_DIR file \(file) (save it in the folder, restart, then alfa abi redecode):")
                    lines.append(json.trimmingCharacters(in: .newlines))
                }
            }
            return lines.joined(separator: "\n")
        }

        /// False while logs that carry trades stay undecoded, or decoding failed.
        public var passed: Bool { malformed.isEmpty && !solutions.contains { $0.carriesTrades } }
    }

    /// `verify` against the endpoints and contracts of the settings.
    public static func verify(settings: Settings, blocks: Int64, logger: Logger) async throws -> Verification {
        try await verify(rpc: IndexerSetup.rpc(settings.chain, connections: settings.indexer.concurrency, logger: logger),
                         addresses: IndexerSetup.addresses(settings.chain), catalogue: IndexerSetup.catalogue(settings.chain), blocks: blocks)
    }

    /// Decodes the logs of the last `blocks` blocks (split when the provider limits the range).
    public static func verify(rpc: JSONRPCClient, addresses: [AvantisContract: EVMAddress],
                              catalogue: AvantisEventCatalogue = .builtIn, blocks: Int64) async throws -> Verification {
        try await rpc.verifyChainIDs()
        let assembler = FillAssembler(decoder: AvantisLogDecoder(catalogue: catalogue, addresses: addresses))
        let head = try await rpc.blockNumber()
        var result = Verification(fromBlock: max(0, head - blocks + 1), toBlock: head)
        var page = AdaptivePageSize(start: blocks)
        var from = result.fromBlock
        // A sample of each unknown topic0's logs, for the solver, and what the known logs say.
        var samples: [String: (contract: AvantisContract, topic0: Hash32, logs: [RPCLog], count: Int)] = [:]
        var context = LayoutSolver.Context()
        while from <= head {
            let to = min(head, from + page.current - 1)
            let logs: [RPCLog]
            do {
                logs = try await rpc.logs(from: from, to: to, addresses: assembler.decoder.watchedAddresses)
            } catch {
                guard case .rangeLimit = error, page.refused(span: to - from + 1) else { throw error }
                continue
            }
            page.succeeded()
            // Block times do not matter here: every block maps to 0.
            let assembled = assembler.assemble(logs, blockTimes: Dictionary(logs.map { ($0.blockNumber, Int64(0)) }, uniquingKeysWith: { a, _ in a }))
            result.logs += logs.count
            result.fills += assembled.fills.count
            result.eventCounts.merge(assembled.eventCounts, uniquingKeysWith: +)
            for fill in assembled.fills { context.recentPrices[fill.pairIndex] = fill.price }
            for log in logs {
                if case .success((_, .closingFee(_, _, _, let rollover, let closing, let funding))) = assembler.decoder.decode(log) {
                    context.closeFees[log.transactionHash, default: []].append(rollover + closing + funding)
                }
            }
            for rejected in assembled.rejected {
                switch rejected.rejection {
                case .unknownTopic(let topic):
                    result.unknownTopics[topic.map { "\($0)" } ?? "(no topic)", default: 0] += 1
                    guard let topic, let contract = assembler.decoder.contract(at: rejected.log.address) else { break }
                    let key = "\(contract.rawValue) \(topic)"
                    var sample = samples[key] ?? (contract, topic, [], 0)
                    if sample.logs.count < 50 { sample.logs.append(rejected.log) }
                    sample.count += 1
                    samples[key] = sample
                case .malformed(let event, let reason): result.malformed["\(event): \(reason)", default: 0] += 1
                }
            }
            from = to + 1
        }
        if !samples.isEmpty {
            let solver = LayoutSolver(catalogue: catalogue)
            result.solutions = samples.values.sorted { $0.count > $1.count }.map { sample in
                solve(sample.topic0, contract: sample.contract, logs: sample.logs, count: sample.count, solver: solver, context: context)
            }
        }
        return result
    }

    /// Tries every candidate with the topic0 on the sampled logs.
    static func solve(_ topic0: Hash32, contract: AvantisContract, logs: [RPCLog], count: Int,
                      solver: LayoutSolver, context: LayoutSolver.Context) -> Verification.Solution {
        var confirmed: [LayoutSolver.Candidate] = []
        var rejected: [(candidate: LayoutSolver.Candidate, reason: String)] = []
        for candidate in solver.matches(topic0, from: contract) {
            let check = LayoutSolver.plausibility(of: candidate, contract: contract, logs: logs, context: context)
            if check.confirmed { confirmed.append(candidate) } else { rejected.append((candidate, check.firstFailure ?? "no log decoded")) }
        }
        let role = (confirmed.first ?? rejected.first?.candidate).map { AvantisEventRole(contract: contract, name: $0.event.name) }
        let fillRoles: [AvantisEventRole] = [.marketExecuted, .limitExecuted, .positionIncreased, .openingFee, .closingFee]
        let carries = role.map { fillRoles.contains($0) } ?? (contract == .tradingCallbacks || logs.contains { !PositionScan.references(in: $0).isEmpty })
        return Verification.Solution(contract: contract, topic0: topic0, logs: count, confirmed: confirmed, rejected: rejected,
                                     carriesTrades: carries)
    }
}
