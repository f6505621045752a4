import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaSystem
import Foundation
import Logging
import ServiceLifecycle

/// Drives the local chain with the market simulator: first the history a new chain starts
/// with (minutes batched into blocks stamped in the past, as fast as the chain takes them),
/// then the present, one market minute every `60 / SIM_SPEED` seconds. The simulator's state
/// is saved to a file, so a second run resumes the same market on the same chain.
///
/// Like Avantis on 2026-08-12, the exchange upgrades in place part-way: the first two thirds of
/// the history trade in v1.5, then the callbacks proxy moves to v2 and trading goes on there,
/// so every local run indexes both generations and a position opened in one closed in the other.
public struct MarketSimulatorRunner: Service {
    /// Market minutes per block while writing the history.
    static let historyMinutesPerBlock: Int64 = 5
    /// Executions per transaction: the mock callbacks contract takes at most 32.
    static let executionsPerTransaction = 16

    let settings: Settings.Simulator
    let rpc: JSONRPCClient
    let statePath: String?
    let historyOnly: Bool
    let logger: Logger
    let clock: @Sendable () -> Int64
    let priceFeed: any HTTPTransport = CurlHTTPClient(name: "alfa-sim-prices")

    public init(settings: Settings.Simulator, rpc: JSONRPCClient, statePath: String?, historyOnly: Bool = false, logger: Logger,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.settings = settings
        self.rpc = rpc
        self.statePath = statePath
        self.historyOnly = historyOnly
        self.logger = logger
        self.clock = clock
    }

    /// The market so far: its state, and the unix time of its last simulated minute.
    struct Saved: Codable {
        var market: MarketSimulator
        var lastMinuteAt: Int64
    }

    /// The share of the history written before the upgrade to v2.
    static let upgradeFraction = 2.0 / 3.0

    public func run() async throws {
        // The state file is read and written on a thread of its own, never on the cooperative pool.
        let files = BlockingWorker(name: "alfa-sim-state")
        defer { files.shutdown() }
        let store = StateFile(path: statePath, worker: files)
        var saved = try await store.load()
            ?? Saved(market: MarketSimulator(seed: UInt64(settings.seed), traderCount: Int(settings.traders)), lastMinuteAt: 0)
        let head = try await rpc.header(try await rpc.blockNumber())?.timestamp ?? clock()
        // A long pause is not replayed minute by minute: at most SIM_HISTORY_HOURS are.
        var minute = max(saved.lastMinuteAt, head, clock() - settings.historyHours * 3_600) + 60
        let upgradeAt = clock() - Int64(Double(settings.historyHours * 3_600) * (1 - Self.upgradeFraction))
        try await writeHistory(&saved, from: &minute, upgradeAt: upgradeAt, store: store)
        try await upgradeToV2(&saved)
        if !historyOnly { try await followThePresent(&saved, store: store) }
    }

    /// From `minute` up to now, stamped in the past: the chain's clock is held back meanwhile.
    func writeHistory(_ saved: inout Saved, from minute: inout Int64, upgradeAt: Int64, store: StateFile) async throws {
        let started = clock()
        guard minute < started else { return }
        logger.notice("writing market history", metadata: [
            "hours": "\(String(format: "%.1f", Double(started - minute) / 3_600))", "traders": "\(saved.market.traders.count)"])
        _ = try await rpc.call("alfa_clock", #"[{"behindSeconds":\#(started - minute + 60)}]"#)
        var fills = 0, lastReport = clock()
        while minute < clock() - 60, !Self.stopping {
            if minute >= upgradeAt { try await upgradeToV2(&saved) }
            var batch: [SimulatedFill] = []
            var blockTime = minute
            for _ in 0..<Self.historyMinutesPerBlock where minute < clock() - 60 {
                batch += saved.market.step(at: minute)
                blockTime = minute
                minute += 60
            }
            try await execute(batch, at: blockTime)
            saved.lastMinuteAt = blockTime
            fills += batch.count
            if clock() - lastReport >= 10 {
                lastReport = clock()
                logger.info("market history", metadata: ["at": "\(Date(timeIntervalSince1970: Double(blockTime)))", "fills": "\(fills)"])
            }
        }
        _ = try await rpc.call("alfa_clock", #"[{"behindSeconds":0}]"#)
        try await store.save(saved)
        logger.notice("market history written", metadata: [
            "fills": "\(fills)", "seconds": "\(clock() - started)", "speed": "\(settings.speed)"])
    }

    func followThePresent(_ saved: inout Saved, store: StateFile) async throws {
        let interval = Duration.milliseconds(Int64(60_000 / settings.speed))
        var lastSave = clock()
        var publishFailed = false
        while true {
            try? await Task.sleep(for: interval)
            if Self.stopping { break }
            let now = max(clock(), saved.lastMinuteAt + 1)
            let fills = saved.market.step(at: now)
            if !fills.isEmpty { try await execute(fills, at: nil) }
            await publishPrices(saved.market.prices, at: now, failing: &publishFailed)
            saved.lastMinuteAt = now
            if clock() - lastSave >= 60 {
                try await store.save(saved)
                lastSave = clock()
            }
        }
        try await store.save(saved)
    }

    /// The local price feed (SIM_PRICE_FEED_URL, the fake Hermes) gets the market's prices, as
    /// Pyth's (expo −8) under each pair's feed id; a failure is logged once and retried next minute.
    func publishPrices(_ prices: [Int64], at time: Int64, failing publishFailed: inout Bool) async {
        guard let url = settings.priceFeedURL else { return }
        var body: [String: [String: Any]] = [:]
        for (index, price) in prices.enumerated() {
            guard let feed = PairCatalogue.builtIn.pairs[Int32(index)]?.pythFeedID else { continue }
            body[feed] = ["price": String(price / 100), "expo": -8, "publish_time": time]
        }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        do {
            let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
            let response = try await priceFeed.send(HTTPRequest(method: "POST", url: base + "/control/prices",
                                                                headers: ["Content-Type": "application/json"], body: [UInt8](data),
                                                                timeoutSeconds: 5))
            guard response.status == 200 else { throw HTTPError.transport("HTTP \(response.status)") }
            publishFailed = false
        } catch {
            if !publishFailed { logger.warning("the local price feed refused the prices", metadata: ["url": "\(base)", "error": "\(error)"]) }
            publishFailed = true
        }
    }

    /// Moves the callbacks proxy to v2, once; from then on closes settle funding.
    func upgradeToV2(_ saved: inout Saved) async throws {
        guard saved.market.chargesFunding != true else { return }
        _ = try await rpc.call("alfa_upgrade", #"["v2"]"#)
        saved.market.chargesFunding = true
        logger.notice("the exchange upgraded in place to v2, as Avantis did on 2026-08-12")
    }

    /// One block holding `fills`, stamped `time` (or now).
    func execute(_ fills: [SimulatedFill], at time: Int64?) async throws {
        guard !fills.isEmpty else { return }
        struct Execute: Encodable {
            let timestamp: Int64?
            let transactions: [[SimulatedFill]]
        }
        let transactions = stride(from: 0, to: fills.count, by: Self.executionsPerTransaction).map {
            Array(fills[$0..<min($0 + Self.executionsPerTransaction, fills.count)])
        }
        let params = try JSONEncoder().encode([Execute(timestamp: time, transactions: transactions)])
        _ = try await rpc.call("alfa_execute", String(decoding: params, as: UTF8.self))
    }

    static var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

    /// A state file (`--state`) that is not the simulator's: it is never overwritten.
    public struct UnreadableState: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public var description: String { "the simulator state \(path) cannot be read (\(reason)); delete it to start a new market" }
    }

    /// Where the market's state is kept between runs (nowhere without `--state`).
    struct StateFile {
        let path: String?
        let worker: BlockingWorker

        func load() async throws -> Saved? {
            guard let path else { return nil }
            return try await worker.run {
                guard let data = FileManager.default.contents(atPath: path) else { return nil }
                do {
                    return try JSONDecoder().decode(Saved.self, from: data)
                } catch {
                    throw UnreadableState(path: path, reason: "\(error)")
                }
            }
        }

        func save(_ saved: Saved) async throws {
            guard let path else { return }
            let data = try JSONEncoder().encode(saved)
            try await worker.run { try data.write(to: URL(fileURLWithPath: path), options: .atomic) }
        }
    }
}
