import AlfaChain
import AlfaCore
import AlfaStore
import Logging

/// `alfa abi redecode`: decodes the raw logs a newer catalogue knows into fills, in place and
/// with no RPC traffic, one database transaction per block range. Each chain transaction's raw
/// logs go through the indexer's assembler together with the companions kept beside them (the
/// fees of its fills), so the fills are those a fresh index would store. A log the catalogue
/// still cannot read stays raw, and its transaction's newly decoded logs stay beside it as
/// companions. Running it twice changes nothing.
public enum Redecoder {
    public struct Report: Sendable, CustomStringConvertible {
        public var ranges = 0
        public var transactions = 0
        public var fills = 0
        public var logsDecoded = 0
        public var stillRaw = 0
        public var withoutBlockTime = 0

        public var description: String {
            var lines = ["redecoded \(transactions) transaction(s) in \(ranges) block range(s): \(logsDecoded) raw log(s) → \(fills) fill(s)",
                         "still raw: \(stillRaw) log(s) the catalogue does not decode yet"]
            if withoutBlockTime > 0 {
                lines.append("\(withoutBlockTime) raw log(s) were stored before alfa kept block times: re-index their blocks to decode them")
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(pool: PostgresPool, catalogue: AvantisEventCatalogue, addresses: [AvantisContract: EVMAddress],
                           rangeBlocks: Int64 = 10_000, logger: Logger) async throws -> Report {
        let raw = RawLogRepository()
        let assembler = FillAssembler(decoder: AvantisLogDecoder(catalogue: catalogue, addresses: addresses))
        var report = Report()
        guard let span = try await pool.withConnection({ try raw.blockSpan(on: $0) }) else { return report }
        var from = span.lowerBound
        while from <= span.upperBound {
            let range = from...min(span.upperBound, from + rangeBlocks - 1)
            let step = try await pool.transaction { connection in
                let stored = try raw.logs(in: range, on: connection)
                let plan = plan(stored, assembler: assembler)
                try raw.replace(deleting: plan.deleted, keeping: plan.keptAsCompanions, with: plan.fills, on: connection)
                return plan
            }
            if step.transactions > 0 {
                report.ranges += 1
                logger.info("redecoded", metadata: ["blocks": "\(range.lowerBound)–\(range.upperBound)", "fills": "\(step.fills.count)"])
            }
            report.transactions += step.transactions
            report.fills += step.fills.count
            report.logsDecoded += step.decodedRaw
            report.stillRaw += step.stillRaw
            report.withoutBlockTime += step.withoutBlockTime
            from = range.upperBound + 1
        }
        return report
    }

    /// What one range's raw logs become: pure, so tested without a database.
    struct Plan: Sendable {
        /// Raw rows whose transaction is decoded whole: gone.
        var deleted: [Int64] = []
        /// Raw rows decoded now beside a log that is still raw: kept, as companions.
        var keptAsCompanions: [Int64] = []
        var fills: [Fill] = []
        var transactions = 0
        var decodedRaw = 0
        var stillRaw = 0
        var withoutBlockTime = 0
    }

    static func plan(_ stored: [StoredRawLog], assembler: FillAssembler) -> Plan {
        var plan = Plan()
        var order: [Hash32] = []
        var byTransaction: [Hash32: [StoredRawLog]] = [:]
        for log in stored {
            if byTransaction[log.txHash] == nil { order.append(log.txHash) }
            byTransaction[log.txHash, default: []].append(log)
        }
        for transaction in order {
            let logs = byTransaction[transaction]!
            let rawCount = logs.filter { !$0.isCompanion }.count
            guard rawCount > 0 else { continue }  // companions whose raw logs are gone
            guard logs.allSatisfy({ $0.blockTime != nil }) else {
                plan.withoutBlockTime += rawCount
                continue
            }
            let rpcLogs = logs.map {
                RPCLog(address: $0.address, topics: $0.topics, data: $0.data, blockNumber: $0.blockNumber, blockHash: $0.blockHash,
                       transactionHash: $0.txHash, logIndex: $0.logIndex)
            }
            let times = Dictionary(logs.map { ($0.blockNumber, $0.blockTime!) }, uniquingKeysWith: { first, _ in first })
            let assembled = assembler.assemble(rpcLogs, blockTimes: times)
            let rejected = Set(assembled.rejected.map(\.log.logIndex))
            let decodedNow = logs.filter { !$0.isCompanion && !rejected.contains($0.logIndex) }
            plan.stillRaw += rawCount - decodedNow.count
            guard !decodedNow.isEmpty else { continue }
            // Companions were filled when they were indexed; only the raw logs' fills are new.
            let fresh = Set(decodedNow.map(\.logIndex))
            plan.fills += assembled.fills.filter { fresh.contains($0.logIndex) }
            if rejected.isEmpty { plan.deleted += logs.map(\.id) } else { plan.keptAsCompanions += decodedNow.map(\.id) }
            plan.transactions += 1
            plan.decodedRaw += decodedNow.count
        }
        return plan
    }
}
