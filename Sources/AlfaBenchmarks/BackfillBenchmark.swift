import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// `alfa bench backfill`: the backfill one page at a time against `INDEXER_CONCURRENCY` pages in
/// flight, against the local node made to look like a provider far away: every request answered
/// `--latency-ms` late, `eth_getLogs` refused beyond `--range-cap` blocks. It prints both rates and
/// the time each would take over Avantis' whole history on Base (31 M blocks).
public enum BackfillBenchmark {
    public struct Options: Sendable {
        public var latencyMilliseconds = 100
        public var rangeCap = 2_000
        public var blocks = 160_000
        public var concurrency = 8

        public init() {}
    }

    static let historyBlocks = 31_000_000.0

    public static func run(settings base: Settings, databaseURL: String, migrations: [Migration], options: Options) async throws -> String {
        let node = JSONRPCClient(urls: base.chain.rpcURLs, expectedChainID: base.chain.chainID, timeoutSeconds: 600)
        let first = try await node.blockNumber() + 1
        // A long chain: empty blocks 2 s apart, with a block of trades every 2,000.
        var mined = 0
        while mined < options.blocks {
            let count = min(1_999, options.blocks - mined)
            _ = try await node.call("alfa_mineEmpty", #"[{"count":\#(count)}]"#)
            _ = try await node.call("alfa_execute", "[\(FollowBenchmark.leaderOpen(mined / 2_000))]")
            mined += count + 1
        }
        let last = try await node.blockNumber()
        _ = try await node.call("alfa_faults", #"[{"delaySeconds":\#(Double(options.latencyMilliseconds) / 1_000),"maxBlockRange":\#(options.rangeCap),"rangeError":"32602"}]"#)
        var rates: [(concurrency: Int, seconds: Double, fills: Int)] = []
        do {
            for concurrency in [1, options.concurrency] {
                rates.append(try await phase(settings: base, databaseURL: databaseURL, migrations: migrations, from: first, through: last,
                                             page: Int64(options.rangeCap), concurrency: concurrency))
            }
        } catch {
            _ = try? await node.call("alfa_faults", #"[{"delaySeconds":0,"maxBlockRange":null}]"#)
            throw error
        }
        _ = try await node.call("alfa_faults", #"[{"delaySeconds":0,"maxBlockRange":null}]"#)

        let blocks = Double(last - first + 1)
        var lines = ["backfill: \(Int(blocks)) blocks (\(rates[0].fills) fills), every request \(options.latencyMilliseconds) ms late, "
                     + "eth_getLogs capped at \(options.rangeCap) blocks"]
        for rate in rates {
            let perSecond = blocks / rate.seconds
            lines.append(String(format: "  %@: %.0f blocks/s (%.1f s); Avantis' 31 M blocks would take %@",
                                rate.concurrency == 1 ? "one page at a time" : "\(rate.concurrency) pages in flight",
                                perSecond, rate.seconds, ProgressMeter.duration(historyBlocks / perSecond)))
        }
        lines.append(String(format: "  %d in flight: %.1f× the rate of one at a time (target ≥ 6×)", options.concurrency,
                            rates[0].seconds / rates[1].seconds))
        return lines.joined(separator: "\n")
    }

    private static func phase(settings base: Settings, databaseURL: String, migrations: [Migration], from: Int64, through last: Int64,
                              page: Int64, concurrency: Int) async throws -> (concurrency: Int, seconds: Double, fills: Int) {
        var settings = base
        settings.indexer.startBlock = from
        settings.indexer.page = page
        settings.indexer.concurrency = concurrency
        var quiet = Logger(label: "alfa.bench.backfill")
        quiet.logLevel = .error
        return try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: "alfa_backfill", poolSize: 3) { pool in
            let indexer = try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: .builtIn, pool: pool, logger: quiet)
            try await indexer.prepare()
            let milliseconds = try await BenchFigures.milliseconds { try await indexer.run(through: last) }
            let fills = try await pool.withConnection { try $0.query("SELECT count(*) FROM fills")[0].decode(0, as: Int64.self) }
            return (concurrency, milliseconds / 1_000, Int(fills))
        }
    }
}
