import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// `alfa bench ingest`: fills per second from a node into PostgreSQL, next to how fast the
/// node alone serves the same logs. The indexer should be limited by the node, not by us.
public enum IngestBenchmark {
    public static func run(settings: Settings, databaseURL: String, migrations: [Migration], page: Int64) async throws -> String {
        let logger = Logger(label: "alfa.bench")
        let rpc = try IndexerSetup.rpc(settings.chain, connections: settings.indexer.concurrency, logger: logger)
        let addresses = IndexerSetup.addresses(settings.chain)
        try await rpc.verifyChainIDs()
        let head = try await rpc.blockNumber()
        let watched = AvantisLogDecoder(addresses: addresses).watchedAddresses

        // The node alone: the same requests the indexer makes (log pages, then the headers of
        // blocks with logs), nothing stored. The second pass counts: the first warms the
        // node's caches, as the indexer's own reads would.
        var nodeLogs = 0, bytes = 0, nodeSeconds = 0.0
        for _ in 0..<2 {
            (nodeLogs, bytes) = (0, 0)
            let nodeStart = DispatchTime.now().uptimeNanoseconds
            for from in stride(from: Int64(1), through: head, by: Int(page)) {
                let json = try await rpc.logsJSON(from: from, to: min(head, from + page - 1), addresses: watched)
                bytes += json.count
                let logs = try RPCLog.decodeArray(json)
                nodeLogs += logs.count
                _ = try await rpc.headers(Set(logs.map(\.blockNumber)).sorted())
            }
            nodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - nodeStart) / 1e9
        }

        // The indexer, from block 1 to the head, into a scratch schema.
        let (seconds, fills) = try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: "alfa_ingest") { pool in
            var options = settings.indexer
            options.startBlock = 1
            options.page = page
            options.confirmations = 0
            var quiet = Logger(label: "alfa.bench.indexer")
            quiet.logLevel = .warning
            let indexer = Indexer(rpc: rpc, pool: pool, addresses: addresses, options: options, logger: quiet)
            let start = DispatchTime.now().uptimeNanoseconds
            try await indexer.run(through: head)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            return (seconds, try await pool.withConnection { try FillRepository().count(on: $0) })
        }

        let nodeRate = Double(nodeLogs) / nodeSeconds
        let ourRate = Double(nodeLogs) / seconds
        return """
            ingest: \(head) blocks, \(nodeLogs) logs (\(bytes / 1024) KiB of JSON), \(fills) fills, pages of \(page) blocks
              node alone (logs and headers):   \(String(format: "%.2f", nodeSeconds)) s, \(Int(nodeRate)) logs/s
              indexer (fetch, decode, store):  \(String(format: "%.2f", seconds)) s, \(Int(ourRate)) logs/s, \(Int(Double(fills) / seconds)) fills/s \
            = \(Int(Double(fills) / seconds * 60)) fills/min
              node share of the indexer's time: \(Int((nodeSeconds / seconds * 100).rounded())) % (decoding and PostgreSQL are the rest)
            """
    }
}
