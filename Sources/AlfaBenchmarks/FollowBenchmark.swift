import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// `alfa bench follow`: how far behind a leader a copy starts. The local node mines a block every
/// 2 s, as Base does; a block with a trade of the leader comes at a random moment, so that the
/// indexer's poll meets it at every phase.
/// The delay runs from the moment the node serves the leader's block to our DRY copy order being
/// recorded, through the real indexer and copy engine, for each head poll interval asked.
public enum FollowBenchmark {
    static let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000f0")!
    static let price: Int64 = 650_000_000_000_000

    /// The poll intervals compared when none are given: the old 2 s and today's default.
    public static var defaultPolls: [Double] {
        [2, Double(SettingsCatalog.definition(named: "INDEXER_SLEEP_HTTP")!.defaultValue!)!]
    }

    public static func run(settings base: Settings, databaseURL: String, migrations: [Migration], trades: Int,
                           pollSeconds: [Double]) async throws -> String {
        var lines = ["follow: the node mines a block every 2 s; the leader trades at random moments (DRY copies, real indexer and engine)"]
        for poll in pollSeconds {
            let delays = try await phase(settings: base, databaseURL: databaseURL, migrations: migrations, trades: trades, poll: poll)
            lines.append(String(format: "  INDEXER_SLEEP_HTTP=%g: leader's block served → our copy order recorded, %d trades: "
                                + "p50 %.0f ms, p99 %.0f ms, max %.0f ms (target p50 ≤ 500 ms, p99 ≤ 1,200 ms)",
                                poll, delays.count, BenchFigures.percentile(delays, 0.5), BenchFigures.percentile(delays, 0.99),
                                delays.last ?? 0))
        }
        return lines.joined(separator: "\n")
    }

    private static func phase(settings base: Settings, databaseURL: String, migrations: [Migration], trades: Int, poll: Double)
        async throws -> [Double] {
        var settings = base
        settings.copy.leaders = [leader]
        settings.copy.maxOpenPositions = 100_000
        settings.execution.mode = .dry
        settings.execution.emergencyStop = false
        settings.indexer.pollSeconds = poll
        let node = JSONRPCClient(urls: settings.chain.rpcURLs, expectedChainID: settings.chain.chainID, timeoutSeconds: 30)
        settings.indexer.startBlock = try await node.blockNumber()
        let schema = "alfa_follow"
        return try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: schema, poolSize: 3) { pool in
            let url = PostgresURL.withSearchPath(databaseURL, schema: "\(schema)_\(getpid())")
            let execution = try await ExecutionServices.start(settings: settings, pool: pool, databaseURL: url)
            var quiet = Logger(label: "alfa.bench.follow")
            quiet.logLevel = .error
            let indexer = try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: .builtIn, pool: pool, logger: quiet)
            let services = execution.services
            let running = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await indexer.run() }
                    for service in services { group.addTask { try await service.run() } }
                    try await group.waitForAll()
                }
            }
            defer { running.cancel() }
            while try await pool.withConnection({ try $0.query("SELECT 1 FROM copy_cursor").count }) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            var random = SeededRandom(seed: 20)
            var delays: [Double] = []
            let clock = ContinuousClock()
            var slot = clock.now
            var pending = false
            var index = 0
            while delays.count < trades {
                guard pending else {
                    slot += .seconds(2)
                    try await Task.sleep(until: slot, clock: clock)
                    _ = try await node.call("evm_mine")
                    // Half the blocks are followed by a trade of the leader.
                    pending = Bool.random(using: &random)
                    continue
                }
                // Its block comes at a random moment of the next 2 s: our poll's phase against the
                // chain's is then uniform, as it is on Base, instead of locked to the local grid.
                slot += .milliseconds(Int.random(in: 1...2_000, using: &random))
                try await Task.sleep(until: slot, clock: clock)
                pending = false
                let block = try await node.call("alfa_execute", "[\(Self.leaderOpen(index))]")
                let served = clock.now
                index += 1
                let hash = try transactionHash(block)
                let deadline = served + .seconds(30)
                while try await pool.withConnection({ try $0.query("SELECT 1 FROM copy_orders WHERE leader_tx_hash = $1", [hash]).isEmpty }) {
                    guard clock.now < deadline else {
                        throw BenchmarkFailure.notCopied(signal: index, withinSeconds: 30)
                    }
                    try await Task.sleep(for: .milliseconds(2))
                }
                delays.append(BenchFigures.milliseconds(clock.now - served))
            }
            return delays.sorted()
        }
    }

    /// One leader open, alone in its transaction, in the local node's `alfa_execute` form.
    static func leaderOpen(_ index: Int) -> String {
        let collateral = 100_000_000
        return #"{"transactions":[[{"kind":0,"orderId":\#(9_000_000 + index),"open":true,"price":\#(price),"positionSizeUSDC":\#(collateral),"openingFee":60000,"# +
            #""trade":{"trader":"\#(leader)","pairIndex":\#(index % 20),"index":\#(index / 20),"initialPosToken":\#(collateral),"# +
            #""openPrice":\#(price),"buy":true,"leverage":100000000000,"timestamp":\#(Int(Date().timeIntervalSince1970))}}]]}"#
    }

    static func transactionHash(_ block: [UInt8]) throws -> Hash32 {
        guard let object = try JSONSerialization.jsonObject(with: Data(block)) as? [String: Any],
              let hashes = object["transactions"] as? [String], let first = hashes.first, let hash = Hash32(hex: first) else {
            throw BenchmarkFailure.notTheLocalChain
        }
        return hash
    }
}
