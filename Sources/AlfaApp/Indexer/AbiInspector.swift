import AlfaChain
import AlfaCore
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

        public var report: String {
            var lines = ["verified blocks \(fromBlock)–\(toBlock): \(logs) logs from the watched contracts, \(fills) fills"]
            lines.append("events seen:")
            lines += eventCounts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }
            if eventCounts.isEmpty { lines.append("  none") }
            lines.append("unknown topic0s: \(unknownTopics.isEmpty ? "none" : "")")
            lines += unknownTopics.sorted { $0.value > $1.value }.map { "  \($0.key): \($0.value) log(s) — a new contract generation? add it to the catalogue" }
            lines.append("decode failures: \(malformed.isEmpty ? "none" : "")")
            lines += malformed.sorted { $0.value > $1.value }.map { "  \($0.key): \($0.value)" }
            return lines.joined(separator: "\n")
        }

        public var passed: Bool { unknownTopics.isEmpty && malformed.isEmpty }
    }

    /// `verify` against the endpoints and contracts of the settings.
    public static func verify(settings: Settings, blocks: Int64, logger: Logger) async throws -> Verification {
        try await verify(rpc: IndexerSetup.rpc(settings, logger: logger), addresses: IndexerSetup.addresses(settings),
                         catalogue: IndexerSetup.catalogue(settings), blocks: blocks)
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
            for rejected in assembled.rejected {
                switch rejected.rejection {
                case .unknownTopic(let topic): result.unknownTopics[topic.map { "\($0)" } ?? "(no topic)", default: 0] += 1
                case .malformed(let event, let reason): result.malformed["\(event): \(reason)", default: 0] += 1
                }
            }
            from = to + 1
        }
        return result
    }
}
