import AlfaApp
import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// `alfa bench copy`: LIVE on v2 against the local node and the fake relayer. From a leader
/// fill committed the way the indexer commits it (with its NOTIFY) to our intent accepted by
/// the relayer, and to our own `MarketExecuted` indexed; then stop propagation and breakers.
public enum CopyBenchmark {
    /// Throwaway keys of the local chain: the trading wallet and its delegate.
    static let walletKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let delegateKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"

    public static func run(settings base: Settings, databaseURL: String, migrations: [Migration], signals: Int,
                           signatures: Int) async throws -> String {
        var lines = ["copy engine (LIVE on v2: the local node and the fake relayer)"]
        lines.append("  " + IntentBenchmark.run(count: signatures))

        let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000be")!
        let wallet = try WalletKey(hex: walletKey).address
        let delegate = try WalletKey(hex: delegateKey).address
        var settings = base
        settings.copy.leaders = [leader]
        settings.copy.maxOpenPositions = 100_000
        settings.copy.maxSignalAgeSeconds = 3_600
        settings.execution.mode = .live
        settings.execution.emergencyStop = false
        settings.execution.walletAddress = wallet
        settings.execution.signer = .delegate(.inline(Secret(delegateKey)))
        settings.indexer.confirmations = 0
        settings.indexer.pollSeconds = 0.05
        let control = CurlHTTPClient(name: "alfa-bench-relayer")
        let registration = try await control.send(HTTPRequest(
            method: "POST", url: settings.chain.relayerURL + "/control/delegate", headers: ["Content-Type": "application/json"],
            body: Array(#"{"trader":"\#(wallet)","delegate":"\#(delegate)"}"#.utf8)))
        guard registration.status == 200 else {
            throw BenchmarkFailure.notTheFakeRelayer
        }
        let rpc = JSONRPCClient(urls: settings.chain.rpcURLs, expectedChainID: settings.chain.chainID, timeoutSeconds: 30)
        settings.indexer.startBlock = try await rpc.blockNumber()

        var propagation: [Double] = []
        var evaluation = ""
        let (accepted, indexed) = try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: "alfa_copy", poolSize: 3) { pool in
            let url = PostgresURL.withSearchPath(databaseURL, schema: "alfa_copy_\(getpid())")
            let execution = try await ExecutionServices.start(settings: settings, pool: pool, databaseURL: url)
            let indexer = try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: .builtIn, pool: pool,
                                                   logger: Logger(label: "alfa.bench.indexer"))
            let services = execution.services
            let task = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await indexer.run() }
                    for service in services { group.addTask { try await service.run() } }
                    try await group.waitForAll()
                }
            }
            defer { task.cancel() }
            // The engine's cursor starts at the newest fill: wait until it exists.
            while try await pool.withConnection({ try $0.query("SELECT 1 FROM copy_cursor").count }) == 0 {
                try await Task.sleep(for: .milliseconds(20))
            }
            var accepted: [Double] = []
            var indexed: [Double] = []
            let warmUp = 3
            for index in 0..<(signals + warmUp) {
                let fill = leaderOpen(leader, index: index)
                try await pool.transaction { connection in
                    try FillRepository().insert([fill], on: connection)
                    try connection.notify(IndexerRepository.fillsChannel, payload: "bench")
                }
                let committed = Date().timeIntervalSince1970
                var times: (accepted: Double?, indexed: Double?) = (nil, nil)
                let deadline = committed + 30
                while times.indexed == nil {
                    guard Date().timeIntervalSince1970 < deadline else {
                        throw BenchmarkFailure.notCopied(signal: index, withinSeconds: 30)
                    }
                    if times.accepted == nil {
                        times.accepted = try await pool.withConnection { connection in
                            try connection.query("SELECT 1 FROM copy_orders WHERE leader_tx_hash = $1 AND tracking_id IS NOT NULL",
                                                 [fill.txHash]).isEmpty ? nil : Date().timeIntervalSince1970
                        }
                    }
                    times.indexed = try await pool.withConnection { connection in
                        try connection.query("SELECT 1 FROM copy_orders WHERE leader_tx_hash = $1 AND own_fill_id IS NOT NULL",
                                             [fill.txHash]).isEmpty ? nil : Date().timeIntervalSince1970
                    }
                    if times.indexed == nil { try await Task.sleep(for: .microseconds(200)) }
                }
                if index >= warmUp {
                    accepted.append(((times.accepted ?? times.indexed!) - committed) * 1_000)
                    indexed.append((times.indexed! - committed) * 1_000)
                }
            }
            let failed = try await pool.withConnection {
                try $0.query("SELECT count(*) FROM copy_orders WHERE status <> 'filled' AND action <> 'skip'")[0].decode(0, as: Int64.self)
            }
            guard failed == 0 else { throw BenchmarkFailure.ordersDidNotFill(Int(failed)) }
            propagation = try await stopPropagation(from: execution, settings: settings, pool: pool, url: url, rounds: 20)
            evaluation = try await breakerEvaluation(execution.monitor, pool: pool, trades: 50_000)
            return (accepted, indexed)
        }
        for (figures, what) in [(accepted, "leader fill committed → our intent accepted by the relayer"),
                                (indexed, "leader fill committed → our MarketExecuted indexed")] {
            let sorted = figures.sorted()
            lines.append(String(format: "  %@, %d signals one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms", what,
                                sorted.count, BenchFigures.percentile(sorted, 0.5), BenchFigures.percentile(sorted, 0.99), sorted.last ?? 0))
        }
        let stops = propagation.sorted()
        lines.append(String(format: "  emergency stop/start typed on one replica → obeyed by another, %d changes: p50 %.1f ms, max %.1f ms",
                            stops.count, BenchFigures.percentile(stops, 0.5), stops.last ?? 0))
        lines.append(evaluation)
        return lines.joined(separator: "\n")
    }

    /// The breakers read the account's whole history (and the market's recent prices) on every
    /// evaluation: their time once the account has made `trades` round trips, one a minute.
    static func breakerEvaluation(_ monitor: BreakerMonitor, pool: PostgresPool, trades: Int) async throws -> String {
        try await pool.withConnection { connection in
            try connection.query("""
                INSERT INTO copy_orders (id, leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade,
                    leader_price, leader_time, action, mode, status, pair_index, is_long, collateral, leverage, position_order_id,
                    fill_price, fill_collateral, fee, net_pnl, gross_pnl, gas_usdc, created_at, completed_at, position_closed_at)
                SELECT 10000000 + i, i, sha256(int8send(i)), 0, decode(repeat('00', 19) || 'be', 'hex'),
                    CASE WHEN i % 2 = 0 THEN 'open' ELSE 'close' END, 'bench:' || (i / 2), 650000000000000,
                    now() - (2 * $1 - i) * interval '30 seconds', CASE WHEN i % 2 = 0 THEN 'open' ELSE 'close' END, 'LIVE', 'filled',
                    (i / 2) % 20, true, 99400000, 100000000000, CASE WHEN i % 2 = 1 THEN 10000000 + i - 1 END,
                    650000000000000 + (i % 13) * 10000000000, 99400000, 600000,
                    CASE WHEN i % 2 = 1 THEN ((i / 2) % 7 - 2) * 1000000 ELSE 0 END,
                    CASE WHEN i % 2 = 1 THEN ((i / 2) % 7 - 2) * 1000000 + 600000 ELSE 0 END, 20000,
                    now() - (2 * $1 - i) * interval '30 seconds', now() - (2 * $1 - i) * interval '30 seconds',
                    CASE WHEN i % 2 = 0 THEN now() END
                FROM generate_series(0, 2 * $1 - 1) AS i
                """, [Int64(trades)])
            try connection.execute("ANALYZE copy_orders")
        }
        var times: [Double] = []
        for _ in 0..<5 {
            times.append(try await BenchFigures.milliseconds { _ = try await monitor.readings() })
        }
        times.sort()
        return String(format: "  breaker evaluation over %d closed copy trades (%d orders): median %.1f ms, max %.1f ms",
                      trades, 2 * trades, BenchFigures.percentile(times, 0.5), times.last ?? 0)
    }

    /// A second replica (its own mode manager and LISTEN connection) watches the first change the
    /// state: the time from the change's commit to the second replica's gate obeying it.
    static func stopPropagation(from first: ExecutionServices, settings: Settings, pool: PostgresPool, url: String,
                                rounds: Int) async throws -> [Double] {
        let replica = try await ExecutionServices.start(settings: settings, pool: pool, databaseURL: url, verifyLive: false)
        let listener = Task { try await replica.services[0].run() }
        defer { listener.cancel() }
        try await Task.sleep(for: .seconds(1))
        var figures: [Double] = []
        for round in 0..<(rounds * 2) {
            let stop = round % 2 == 0
            let started = ContinuousClock.now
            _ = stop ? await first.control.emergencyStop(by: 0, reason: "bench") : await first.control.emergencyStart(by: 0)
            while await replica.manager.state.emergencyStop != stop {
                guard ContinuousClock.now - started < .seconds(10) else {
                    throw BenchmarkFailure.replicaDidNotObey(withinSeconds: 10)
                }
                try await Task.sleep(for: .microseconds(200))
            }
            figures.append(BenchFigures.milliseconds(ContinuousClock.now - started))
        }
        return figures
    }

    static func leaderOpen(_ leader: EVMAddress, index: Int) -> Fill {
        var hash = [UInt8](repeating: 0, count: 32)
        withUnsafeBytes(of: UInt64(index).bigEndian) { hash.replaceSubrange(24..<32, with: $0) }
        hash[0] = UInt8.random(in: 1...255)
        let now = Int64(Date().timeIntervalSince1970)
        return Fill(blockNumber: 1, blockHash: .zero, blockTime: now, txHash: Hash32(bytes: hash)!, logIndex: 0, eventGeneration: "v1.5",
                    trader: leader, pairIndex: Int32(index % 20), tradeIndex: Int32(index / 20), openTime: now + Int64(index),
                    kind: .open, orderType: .market, isLong: index % 2 == 0, price: 650_000_000_000_000, leverage: 100_000_000_000,
                    collateral: 1_000_000_000, positionCollateral: 1_000_000_000, percentProfit: 0, payout: 0, openingFee: 6_000_000,
                    closingFee: 0, rolloverFee: 0, orderID: UInt64(index))
    }
}
