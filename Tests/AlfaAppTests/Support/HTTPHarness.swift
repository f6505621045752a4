@testable import AlfaApp
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `alfa serve`'s HTTP listener in this process, on a free loopback port, over a pool the test
/// owns; requests go through libcurl as any client's would.
final class HTTPHarness: Sendable {
    let base: String
    let settings: Settings
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let client = CurlHTTPClient(name: "test-http")

    /// `values`: settings on top of a loopback listener on port 0.
    /// `copy`: the mode manager and copy engine as `alfa serve` builds them, for /api/v1/copy and the status.
    static func start(pool: PostgresPool, databaseURL: String, _ values: [String: String] = [:], copy: Bool = false,
                      leases: [Lease] = []) async throws -> HTTPHarness {
        var lookup = ["DATABASE_URL": databaseURL, "HTTP_LISTEN": "127.0.0.1:0"]
        lookup.merge(values) { _, new in new }
        let settings = try Settings(lookup: { lookup[$0] })
        let control = copy
            ? try await ExecutionServices.start(settings: settings, pool: pool, databaseURL: databaseURL, verifyLive: false).control
            : nil
        let bound = PortBox()
        let handlers = HTTPHandlers(leaderboard: settings.leaderboard, maxMarkAge: settings.prices.maxAgeSeconds,
                                    configured: settings.execution, pool: pool, control: control,
                                    sampler: MetricsSampler(pool: pool, control: control, leases: leases, minimumInterval: 0),
                                    readiness: ReadinessProbe(databaseURL: settings.database.url, chain: settings.chain,
                                                          stallSeconds: settings.indexer.stallSeconds, leases: leases))
        let logger = Logger(label: "test.http")
        let service = HTTPServer.service(listen: settings.http.listen!, handlers: handlers, access: HTTPAccess(settings.http),
                                         logger: logger) { bound.set($0) }
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let task = Task { try await group.run() }
        let port = await bound.wait()
        return HTTPHarness(base: "http://127.0.0.1:\(port)", settings: settings, group: group, task: task)
    }

    private init(base: String, settings: Settings, group: ServiceGroup, task: Task<Void, any Error>) {
        self.base = base
        self.settings = settings
        self.group = group
        self.task = task
    }

    func get(_ path: String, method: String = "GET", headers: [String: String] = [:]) async throws -> AlfaHTTP.HTTPResponse {
        try await client.send(AlfaHTTP.HTTPRequest(method: method, url: base + path, headers: headers, timeoutSeconds: 60))
    }

    func json(_ path: String, headers: [String: String] = [:]) async throws -> (status: Int, body: Any) {
        let response = try await get(path, headers: headers)
        return (response.status, try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]))
    }

    /// Graceful shutdown, as SIGTERM does it in `alfa serve`.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// Data to serve: fills of the last three weeks, a stored board, and a few copy orders.
enum HTTPFixture {
    /// Gates low enough that the generated traders are ranked.
    static let settings = ["LEADER_MIN_TRADES_30D": "1", "LEADER_MIN_VOLUME_30D_USD": "0", "LEADER_ACTIVE_HOURS": "100000"]

    static func seed(_ pool: PostgresPool, traders: Int = 25, fills: Int = 2_000, now: Int64) async throws -> [Fill] {
        var generator = FillGenerator(seed: 19, traderCount: traders, start: now - 21 * 86_400,
                                      secondsPerFill: Double(20 * 86_400) / Double(fills), openPositionsTarget: 30)
        let all = generator.generate(count: fills)
        try await pool.transaction { _ = try FillRepository().insert(all, on: $0) }
        let gates = EligibilityGates(minTrades30d: 1, minVolume30d: 0, activeHours: 100_000)
        _ = try await LeaderboardRefresher(pool: pool, gates: gates).refresh(asOf: now)
        // Copy orders: the first opens of a leader mirrored (two filled, one skipped).
        try await pool.transaction { connection in
            let repository = CopyOrderRepository()
            // Fills are stored in the order given: ids follow it.
            let ids: [Int64] = try connection.query("SELECT id FROM fills ORDER BY id").map { try $0.decode(0) }
            let opens = zip(ids, all).filter { $0.1.kind == .open }.prefix(3)
            for (offset, (id, fill)) in opens.enumerated() {
                let decision: CopyDecision = offset == 2 ? .skip(.maxOpenPositions(5))
                    : .open(CopyOpen(pairIndex: fill.pairIndex, isLong: fill.isLong, collateral: 100_000_000, leverage: 50_000_000_000,
                                     price: fill.price, slippageBps: 50))
                if let order = try repository.record(signal: fill, fillID: id, decision: decision, mode: .dry, on: connection), offset < 2 {
                    try repository.markFilled(order, price: fill.price, collateral: 100_000_000, fee: 80_000, grossPnL: 0, netPnL: 0,
                                              openingFeeShare: 0, on: connection)
                }
            }
        }
        return all
    }
}
