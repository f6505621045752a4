@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Marks against the fake Pyth Hermes (commands/lib/hermes/fake_hermes.py) and a real
/// PostgreSQL holding the pairs' last fills: fresh, stale, down, nonsense, and the cache.
@Suite("Price feed: Pyth Hermes and the last fill", .postgres)
struct PriceFeedTests {
    final class Hermes: LoopbackPeer, @unchecked Sendable {
        init() async throws { try await super.init("hermes/fake_hermes.py") }

        func requests() async throws -> Int {
            (try JSONSerialization.jsonObject(with: Data(try await get("/control/requests"))) as? [String: Int])?["requests"] ?? -1
        }
    }

    static let eth = PairCatalogue.builtIn.pairs[0]!.pythFeedID
    static let btc = PairCatalogue.builtIn.pairs[1]!.pythFeedID

    /// A feed on a clock the test moves, over a database whose pair 0 last filled at 65,000 at t = 900.
    /// The time the feed sees, moved by the test.
    final class Clock: Sendable {
        private let time: Mutex<Int64>
        init(_ start: Int64) { time = Mutex(start) }
        var now: Int64 { time.withLock { $0 } }
        func set(_ value: Int64) { time.withLock { $0 = value } }
    }

    /// The feed and its pool (close it when done).
    static func feed(_ hermes: Hermes?, clock: Clock) async throws -> (PriceFeed, PostgresPool) {
        let pool = try await AlfaBinary.migratedPool()
        try await pool.withConnection { connection in
            var fill = CopyTradingFixtures.open(pair: 0, price: 650_000_000_000_000, time: 900)
            _ = try FillRepository().insert([fill], on: connection)
            fill.logIndex = 1
            fill.pairIndex = 1
            fill.blockTime = 950
            _ = try FillRepository().insert([fill], on: connection)
        }
        let settings = Settings.Prices(feedURL: hermes.map { Secret($0.base) }, pollSeconds: 5, maxAgeSeconds: 60)
        return (PriceFeed(settings: settings, pool: pool, clock: { clock.now }, logger: Logger(label: "test.prices")), pool)
    }

    @Test func aFreshPythPriceIsTheMarkAndIsReusedForThePollInterval() async throws {
        let hermes = try await Hermes()
        try await hermes.post("/control/prices", #"{"\#(Self.eth)": {"price": "6600000000000", "expo": -8, "publish_time": 995}}"#)
        let clock = Clock(1_000)
        let (feed, feedPool) = try await Self.feed(hermes, clock: clock)
        try await closing(feedPool) { feedPool async throws in
            let marks = await feed.marks(for: [0, 1])
            #expect(marks[0] == Mark(price: 660_000_000_000_000, source: .pyth, publishedAt: 995))
            // BTC has no Pyth price here: its last fill.
            #expect(marks[1] == Mark(price: 650_000_000_000_000, source: .lastFill, publishedAt: 950))
            _ = await feed.marks(for: [0])
            #expect(try await hermes.requests() == 1)
            clock.set(1_006)
            _ = await feed.marks(for: [0])
            #expect(try await hermes.requests() == 2)
            #expect(await feed.outage == nil)
        }
    }

    /// The local environment: the simulator publishes its prices to the fake Hermes each minute,
    /// and they come back as Pyth marks of the same pairs.
    @Test func theSimulatorsPricesAreTheLocalFeedsMarks() async throws {
        let hermes = try await Hermes()
        let environment = ["SIM_PRICE_FEED_URL": hermes.base]
        let settings = try Settings(lookup: { environment[$0] })
        let runner = MarketSimulatorRunner(settings: settings.simulator, rpc: JSONRPCClient(urls: [Secret("http://127.0.0.1:1")], expectedChainID: 31337, timeoutSeconds: 1),
                                           statePath: nil, logger: Logger(label: "test.sim"))
        var failing = false
        await runner.publishPrices([3_200 * 10_000_000_000, 65_123 * 10_000_000_000], at: 995, failing: &failing)
        #expect(!failing)
        let (feed, feedPool) = try await Self.feed(hermes, clock: Clock(1_000))
        try await closing(feedPool) { feedPool in
            let marks = await feed.marks(for: [0, 1])
            #expect(marks[0] == Mark(price: 32_000_000_000_000, source: .pyth, publishedAt: 995))
            #expect(marks[1] == Mark(price: 651_230_000_000_000, source: .pyth, publishedAt: 995))
        }
    }

    @Test func aStalePythPriceGivesWayToANewerFill() async throws {
        let hermes = try await Hermes()
        try await hermes.post("/control/prices", #"{"\#(Self.eth)": {"price": "6600000000000", "expo": -8, "publish_time": 800}}"#)
        let clock = Clock(1_000)
        let (feed, feedPool) = try await Self.feed(hermes, clock: clock)
        try await closing(feedPool) { feedPool in
            #expect(await feed.marks(for: [0])[0]?.source == .lastFill)  // Pyth 200 s old, the fill 100 s
            // Older than both: Pyth stays, shown as stale.
            try await hermes.post("/control/prices", #"{"\#(Self.eth)": {"price": "6600000000000", "expo": -8, "publish_time": 920}}"#)
            clock.set(1_100)
            let mark = await feed.marks(for: [0])[0]
            #expect(mark?.source == .pyth && mark?.isStale(now: 1_100, maxAge: 60) == true)
        }
    }

    @Test(arguments: [#"{"status": 503}"#, #"{"nonsense": true}"#])
    func hermesDownOrTalkingNonsenseFallsBackToTheLastFill(fault: String) async throws {
        let hermes = try await Hermes()
        try await hermes.post("/control/faults", fault)
        let (feed, feedPool) = try await Self.feed(hermes, clock: Clock(1_000))
        try await closing(feedPool) { feedPool in
            #expect(await feed.marks(for: [0])[0] == Mark(price: 650_000_000_000_000, source: .lastFill, publishedAt: 900))
            #expect(await feed.outage != nil)
            let down = await feed.status
            #expect(down.hasPrefix("Pyth Hermes unavailable (") && down.hasSuffix("marks fall back to the pairs' last fills"), "\(down)")
            // Back: the next poll clears the outage.
            try await hermes.post("/control/faults", "{}")
            try await hermes.post("/control/prices", #"{"\#(Self.eth)": {"price": "6600000000000", "expo": -8, "publish_time": 999}}"#)
            let (recovered, recoveredPool) = try await Self.feed(hermes, clock: Clock(1_000))
            defer { Task { await recoveredPool.close() } }
            #expect(await recovered.marks(for: [0])[0]?.source == .pyth)
            let (outage, status) = (await recovered.outage, await recovered.status)
            #expect(outage == nil && status == "Pyth Hermes")
        }
    }

    @Test func withoutAFeedURLTheLastFillsAreTheMarks() async throws {
        let (feed, feedPool) = try await Self.feed(Hermes?.none, clock: Clock(1_000))
        try await closing(feedPool) { feedPool in
            #expect(await feed.marks(for: [0, 5]) == [0: Mark(price: 650_000_000_000_000, source: .lastFill, publishedAt: 900)])
        }
    }
}

/// Fills for tests that need one in the database.
enum CopyTradingFixtures {
    static func open(pair: Int32, price: Int64, time: Int64) -> Fill {
        Fill(blockNumber: 1, blockHash: .zero, blockTime: time, txHash: Hash32(hex: "0x" + String(repeating: "3\(pair % 10)", count: 32))!,
             logIndex: 0, eventGeneration: "v2", trader: EVMAddress(hex: "0x00000000000000000000000000000000000000c1")!,
             pairIndex: pair, tradeIndex: 0, openTime: time, kind: .open, orderType: .market, isLong: true, price: price,
             leverage: 100_000_000_000, collateral: 1_000_000_000, positionCollateral: 1_000_000_000, percentProfit: 0, payout: 0,
             openingFee: 0, closingFee: 0, rolloverFee: 0, orderID: 1)
    }
}
