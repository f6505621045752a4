import AlfaCore
import AlfaStore
import CoreMetrics
import Foundation

/// Sets the gauges that describe state rather than events (the indexer's checkpoint, the stored
/// board, the copy account, the mode) from the database, at most once a second however often
/// `/metrics` is scraped. Every replica reports the shared state; `alfa_singleton_held` tells
/// which replica runs what.
actor MetricsSampler {
    private let telemetry: Telemetry
    private let pool: PostgresPool
    private let control: CopyControl?
    private let leases: [Lease]
    private let outboxDepth: @Sendable () async -> Int?
    private let clock: @Sendable () -> Double
    /// Scrapes closer together than this share one reading of the database.
    private let minimumInterval: Double
    private var sampledAt = -Double.infinity
    private var connectsSeen = 0

    init(telemetry: Telemetry = .shared, pool: PostgresPool, control: CopyControl?, leases: [Lease],
         outboxDepth: @escaping @Sendable () async -> Int? = { nil },
         minimumInterval: Double = 1, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.telemetry = telemetry
        self.minimumInterval = minimumInterval
        self.pool = pool
        self.control = control
        self.leases = leases
        self.outboxDepth = outboxDepth
        self.clock = clock
        telemetry.gauge("alfa_build_info", [("version", AlfaVersion.current)]).record(1)
        telemetry.gauge("alfa_process_start_time_seconds").record(telemetry.startedAt.timeIntervalSince1970)
    }

    /// The exposition, with the state gauges brought up to date first.
    func exposition() async -> [UInt8] {
        await sample()
        return telemetry.exposition()
    }

    func sample() async {
        let now = clock()
        guard now - sampledAt >= minimumInterval else { return }
        sampledAt = now
        let t = telemetry
        t.gauge("alfa_process_uptime_seconds").record(now - t.startedAt.timeIntervalSince1970)
        let pool = pool.statistics
        t.gauge("alfa_db_pool_connections").record(pool.size)
        t.gauge("alfa_db_pool_connections_in_use").record(pool.inUse)
        if pool.connects > connectsSeen {
            t.counter("alfa_db_connections_opened_total").increment(by: pool.connects - connectsSeen)
            connectsSeen = pool.connects
        }
        for lease in leases {
            t.gauge("alfa_singleton_held", [("singleton", lease.name)]).record(lease.isHeld ? 1 : 0)
        }
        if let depth = await outboxDepth() { t.gauge("alfa_bot_outbox_depth").record(depth) }

        let sample: MetricsRepository.Sample
        do {
            sample = try await self.pool.withConnection { try MetricsRepository().sample(on: $0) }
            t.gauge("alfa_database_up").record(1)
        } catch {
            t.gauge("alfa_database_up").record(0)
            return
        }
        record(sample, now: now)
        await recordAccount()
    }

    private func record(_ sample: MetricsRepository.Sample, now: Double) {
        let t = telemetry
        if let indexed = sample.indexedBlock {
            t.gauge("alfa_indexer_indexed_block").record(indexed)
            if let head = sample.headBlock {
                t.gauge("alfa_indexer_head_block").record(head)
                t.gauge("alfa_indexer_lag_blocks").record(max(0, head - indexed))
            }
            if let seen = sample.headSeenAt { t.gauge("alfa_indexer_head_age_seconds").record(max(0, now - Double(seen))) }
        }
        for (reason, count) in sample.rawLogs { t.gauge("alfa_indexer_raw_logs", [("reason", reason)]).record(count) }
        if let board = sample.leaderboard {
            t.gauge("alfa_leaderboard_age_seconds").record(max(0, now - Double(board.computedAt.unixSeconds)))
            t.gauge("alfa_leaderboard_traders").record(board.traders)
            t.gauge("alfa_leaderboard_eligible_traders").record(board.eligible)
            t.gauge("alfa_leaderboard_compute_seconds").record(board.computeMilliseconds / 1000)
        }
        // Every status and mode, zero included: a state that emptied reads 0, not its last count.
        var counts: [String: Int64] = [:]
        for order in sample.orders { counts["\(order.status)/\(order.mode)"] = order.count }
        for status in CopyOrder.Status.allCases {
            for mode in ExecutionMode.allCases {
                t.gauge("alfa_copy_orders", [("status", status.rawValue), ("mode", mode.rawValue)])
                    .record(counts["\(status.rawValue)/\(mode.rawValue)"] ?? 0)
            }
        }
        t.gauge("alfa_alerts_pending").record(sample.alertsPending)
        t.gauge("alfa_watches").record(sample.watches)
        if let execution = sample.execution {
            for mode in ExecutionMode.allCases {
                t.gauge("alfa_execution_mode", [("mode", mode.rawValue)]).record(execution.mode == mode ? 1 : 0)
            }
            t.gauge("alfa_emergency_stop").record(execution.emergencyStop ? 1 : 0)
        }
        for breaker in BreakerName.allCases {
            t.gauge("alfa_breaker_open", [("breaker", breaker.rawValue)]).record(sample.openBreakers.contains(breaker.rawValue) ? 1 : 0)
        }
        t.gauge("alfa_breakers_open").record(sample.openBreakers.count)
    }

    /// The copy account in USD (USDC): realized, unrealized at fresh marks, and the open notional.
    private func recordAccount() async {
        guard let control, let account = try? await control.account() else { return }
        let t = telemetry
        let usd = { (micro: Int64) in Double(micro) / 1e6 }
        t.gauge("alfa_copy_realized_pnl_usd").record(usd(account.performance.realizedPnL))
        t.gauge("alfa_copy_unrealized_pnl_usd").record(usd(account.open.unrealized))
        t.gauge("alfa_copy_open_positions").record(account.open.lines.count)
        let notional = account.open.lines.reduce(0.0) {
            $0 + usd($1.position.remainingCollateral) * Double($1.position.leverage) / 1e10
        }
        t.gauge("alfa_copy_open_notional_usd").record(notional)
    }
}
