@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import Synchronization

/// The copy engine for real, in this process: the local EVM, the fake relayer executing on
/// it, a fresh database, the indexer tailing the chain, and the execution services as
/// `alfa serve` runs them.
final class CopyHarness: Sendable {
    static let leader = "0x00000000000000000000000000000000000000a1"
    static let price: Int64 = 650_000_000_000_000  // 65,000 × 1e10
    /// eth-account's documented test key; its address is the copy wallet.
    static let walletKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let wallet = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"
    /// A throwaway delegate, registered to the wallet at the relayer.
    static let delegateKey = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"

    /// LIVE with the recommended setup: the wallet, and its delegate signing.
    static let live = ["COPY_EXECUTION_MODE": "LIVE", "WALLET_ADDRESS": wallet, "WALLET_DELEGATE_KEY": delegateKey]

    static var delegate: String { (try! WalletKey(hex: delegateKey)).address.description }

    let chain: ChainPeer
    let relayer: RelayerPeer
    let url: String
    let pool: PostgresPool
    let settings: Settings
    let execution: ExecutionServices
    private let task: Task<Void, any Error>
    private let alertLog = AlertLog()

    static func environment(_ chain: ChainPeer, relayer: RelayerPeer, database: String, _ extra: [String: String] = [:]) -> [String: String] {
        var values = IndexCommandTests.environment(chain, database: database, [
            "COPY_LEADERS": leader, "INDEXER_CONFIRMATIONS": "0", "INDEXER_SLEEP_HTTP": "0.05",
            "COPY_MAX_SIGNAL_AGE_SECONDS": "3600", "BREAKER_CHECK_SECONDS": "1",
            "AVANTIS_TRADING": chain.contracts["trading"]!, "AVANTIS_USDC": chain.contracts["usdc"]!,
            "AVANTIS_RELAYER_URL": relayer.base,
        ])
        values.merge(extra) { _, new in new }
        return values
    }

    /// `indexing: false` for a second replica on the same database (`alfa serve` elects one indexer).
    init(chain: ChainPeer? = nil, relayer: RelayerPeer? = nil, database: String? = nil, _ extra: [String: String] = [:],
         indexing: Bool = true) async throws {
        let chain = if let chain { chain } else { try await ChainPeer() }
        let relayer = if let relayer { relayer } else { try await Self.relayer(on: chain) }
        let url = if let database { database } else { try await AlfaBinary.freshDatabase() }
        self.chain = chain
        self.relayer = relayer
        self.url = url
        pool = try await AlfaBinary.migratedPool(url: url)
        let environment = Self.environment(chain, relayer: relayer, database: url, extra)
        settings = try Settings(lookup: { environment[$0] })
        execution = try await ExecutionServices.start(settings: settings, pool: pool, databaseURL: url)
        let log = alertLog
        execution.alerts.route(to: .console({ line in log.append(line) }, logger: Logger(label: "test.alerts")))
        let indexer = try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: .builtIn, pool: pool,
                                               logger: Logger(label: "test.indexer"))
        let services = execution.services
        task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if indexing { group.addTask { try await indexer.run() } }
                for service in services { group.addTask { try await service.run() } }
                try await group.waitForAll()
            }
        }
    }

    /// The fake relayer on `chain`, for the wallet's domain, with the delegate registered.
    static func relayer(on chain: ChainPeer) async throws -> RelayerPeer {
        let relayer = try await RelayerPeer(chain: chain, chainID: 8453, router: chain.contracts["trading"]!)
        try await relayer.register(delegate: delegate, for: wallet)
        return relayer
    }

    var alerts: [String] { alertLog.lines }

    /// Waits (up to 30 s) for an alert containing `text`; returns the alerts that do.
    @discardableResult
    func waitForAlert(_ text: String) async throws -> [String] {
        let deadline = Date().addingTimeInterval(30)
        while !alerts.contains(where: { $0.contains(text) }), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return alerts.filter { $0.contains(text) }
    }
    var control: CopyControl { execution.control }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await pool.close()
    }

    // MARK: the leader's trades

    func leaderOpens(pair: Int64 = 1, collateral: Int64 = 1_000_000_000, fee: Int64 = 6_000_000, price: Int64 = price,
                     buy: Bool = true, openTime: Int64) async throws {
        try await chain.execute([[.marketOpen(Self.leader, pair: pair, collateral: collateral, fee: fee, price: price, buy: buy,
                                              openTime: openTime)]])
    }

    /// A close of `closing` out of `position`, at `price` (10× leverage), paying out by the move.
    func leaderCloses(pair: Int64 = 1, position: Int64 = 1_000_000_000, closing: Int64 = 1_000_000_000, entry: Int64 = price,
                      price exit: Int64, openTime: Int64, closingFee: Int64 = 2_000_000) async throws {
        let percent = Int64(Int128(exit - entry) * 1_000 * 10_000_000_000 / Int128(entry))
        let payout = max(0, closing + Int64(Int128(closing) * Int128(percent) / 1_000_000_000_000) - closingFee)
        try await chain.execute([[.marketClose(Self.leader, pair: pair, position: position, closing: closing, entry: entry,
                                               price: exit, percentProfit: percent, payout: payout, closingFee: closingFee,
                                               openTime: openTime)]])
    }

    // MARK: reading back

    func orders() async throws -> [CopyOrder] {
        try await pool.withConnection { try CopyOrderRepository().all(on: $0) }
    }

    /// Waits (up to 30 s: CI machines are slow) until `condition` holds for the orders.
    @discardableResult
    func waitForOrders(_ what: String = "orders", _ condition: ([CopyOrder]) -> Bool) async throws -> [CopyOrder] {
        let deadline = Date().addingTimeInterval(30)
        var orders = try await self.orders()
        while !condition(orders), Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
            orders = try await self.orders()
        }
        return orders
    }

    /// Our own fills, as the indexer stored them: what the chain executed for the wallet.
    func ownFills() async throws -> [Fill] {
        try await pool.withConnection { try FillRepository().fills(of: EVMAddress(hex: Self.wallet)!, on: $0) }
    }
}

/// Alerts as the console would print them.
final class AlertLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
