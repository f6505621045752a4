import AlfaChain
import AlfaCore
import AlfaStore
import Foundation
import Logging

/// Turns leader fills into copy orders and drives them through the executor of their mode.
/// Only the replica holding the executor lock calls `step()` (see `CopyEngineService`);
/// any replica answers the reads.
public actor CopyEngine {
    private let settings: Settings
    private let pool: PostgresPool
    private let gate: ExecutionGate
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let makeRPC: (@Sendable () throws -> JSONRPCClient)?
    private let repository = CopyOrderRepository()
    private let dry: DryExecutor
    private var live: LiveExecutor?
    private var leaderCache: (leaders: [EVMAddress], at: Int64)?
    /// The leader set last recorded for the reports (nil until the executor's first step).
    private var recordedLeaders: Set<EVMAddress>?
    private var lastCancelCheckBlock: Int64?
    private var lastCancelCheck: Int64 = 0

    init(settings: Settings, pool: PostgresPool, gate: ExecutionGate, makeRPC: (@Sendable () throws -> JSONRPCClient)?,
         clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.settings = settings
        self.pool = pool
        self.gate = gate
        self.makeRPC = makeRPC
        self.clock = clock
        self.logger = logger
        self.dry = DryExecutor(pool: pool, gate: gate)
    }

    // MARK: LIVE preparation

    /// Loads the wallet and checks the chain: at start-up when LIVE is the stored mode, and
    /// before an admin's switch to LIVE is applied. Errors name the setting, never the key.
    @discardableResult
    public func prepareLive() async throws -> EVMAddress {
        if let live { return live.wallet.address }
        guard let makeRPC else {
            throw WalletLoader.Failure(description: "LIVE needs RPC_URLS: no chain to send to")
        }
        let wallet = try await WalletLoader.load(settings.execution.walletKey)
        let rpc = try makeRPC()
        try await rpc.verifyChainIDs()
        let chainID = try await rpc.chainID()
        guard chainID == settings.chain.chainID else {
            throw RPCError.wrongChain(host: "node", expected: settings.chain.chainID, actual: chainID)
        }
        live = LiveExecutor(wallet: wallet, rpc: rpc, settings: settings, pool: pool, gate: gate, clock: clock, logger: logger)
        logger.notice("LIVE wallet ready", metadata: ["address": "\(wallet.address)"])
        return wallet.address
    }

    public var walletAddress: EVMAddress? { live?.wallet.address }

    // MARK: leaders

    /// COPY_LEADERS, or the leaderboard's top COPY_AUTO_TOP_K (30 days); then admins' follows
    /// added and unfollows removed.
    public func leaders() async throws -> [EVMAddress] {
        let now = clock()
        if let cache = leaderCache, now - cache.at < 10 { return cache.leaders }
        let copy = settings.copy
        let repository = self.repository
        let (choices, top) = try await pool.withConnection { connection in
            let choices = try repository.leaderChoices(on: connection)
            var top: [EVMAddress] = []
            if copy.leaders.isEmpty, copy.autoTopK > 0, let latest = try LeaderboardRepository().latest(on: connection) {
                top = try LeaderboardRepository().top(Int(copy.autoTopK), window: .thirtyDays, snapshot: latest.id, on: connection)
                    .map(\.trader)
            }
            return (choices, top)
        }
        var leaders = copy.leaders.isEmpty ? top : copy.leaders
        for choice in choices {
            if choice.followed, !leaders.contains(choice.leader) { leaders.append(choice.leader) }
            if !choice.followed { leaders.removeAll { $0 == choice.leader } }
        }
        leaderCache = (leaders, now)
        return leaders
    }

    public func setLeader(_ leader: EVMAddress, followed: Bool, by actor: String) async throws {
        let repository = self.repository
        try await pool.withConnection { try repository.setLeader(leader, followed: followed, by: actor, on: $0) }
        leaderCache = nil
    }

    // MARK: the loop's work

    /// Reads new fills once: leader fills become orders (exactly once), the wallet's own fills
    /// settle LIVE orders. Then advances every active order. Returns the signals and own fills
    /// read plus the orders that reached a final state, so the caller knows when to evaluate the
    /// breakers: 0 while orders merely wait (a held close, a keeper yet to answer).
    @discardableResult
    public func step() async throws -> Int {
        let recorded = try await readSignals()
        let settled = try await advanceActive()
        return recorded + settled
    }

    private func readSignals() async throws -> Int {
        let leaders = Set(try await leaders())
        if leaders != recordedLeaders {
            let otherwise = settings.copy.leaders.isEmpty ? "leaderboard top \(settings.copy.autoTopK)" : "COPY_LEADERS"
            let repository = self.repository
            try await pool.withConnection { try repository.recordLeaderSet(Array(leaders), otherwise: otherwise, on: $0) }
            recordedLeaders = leaders
        }
        let wallet = live?.wallet.address
        let repository = self.repository
        let settings = self.settings.copy
        let gate = self.gate
        let now = clock()
        var total = 0
        while true {
            let page = try await pool.withConnection { connection in
                try FillRepository().fills(after: try repository.cursor(on: connection), limit: 500, on: connection)
            }
            guard let last = page.last else { return total }
            let own = page.filter { $0.fill.trader == wallet }
            let signals = page.filter { leaders.contains($0.fill.trader) }
            let skippedForStop = try await pool.transaction { connection -> Int in
                var mirrors = try repository.mirroredPositions(on: connection)
                var skipped = 0
                for (id, signal) in signals {
                    let state = gate.current
                    let key = CopyOrderRepository.tradeKey(signal)
                    var decision = CopyPlanner.plan(signal, settings: settings, now: now,
                                                    openPositions: Int64(mirrors.count), mirror: mirrors[key])
                    var mode = state.mode
                    if case .close(let close) = decision { mode = close.position.mode }
                    if state.emergencyStop, case .open = decision {
                        decision = .skip(.emergencyStop)
                        skipped += 1
                    }
                    guard let orderID = try repository.record(signal: signal, fillID: id, decision: decision, mode: mode,
                                                              on: connection) else { continue }
                    switch decision {
                    case .open(let open):
                        mirrors[key] = MirroredPosition(openOrderID: orderID, pairIndex: open.pairIndex, isLong: open.isLong,
                                                        entryPrice: open.price, leverage: open.leverage,
                                                        remainingCollateral: open.collateral, remainingOpeningFee: 0, mode: mode)
                    case .close(let close):
                        mirrors[key]?.remainingCollateral -= close.collateral
                        if mirrors[key]?.remainingCollateral ?? 0 <= 0 { mirrors[key] = nil }
                    case .skip:
                        break
                    }
                }
                try repository.advanceCursor(to: last.id, on: connection)
                return skipped
            }
            if let live {
                for (_, fill) in own { try await live.observe(ownFill: fill) }
            }
            if skippedForStop > 0 { logger.notice("\(skippedForStop) leader open(s) skipped: emergency stop engaged") }
            total += signals.count + own.count
        }
    }

    /// Advances what can move now: intents, signed transactions, and sends without a receipt yet.
    /// Orders waiting for the keeper move when their fill is indexed (`observe`), not here.
    /// Returns how many orders left the active states meanwhile.
    private func advanceActive() async throws -> Int {
        let repository = self.repository
        let before = try await pool.withConnection { try repository.orders(status: [.intent, .signed, .submitted], on: $0) }
        let active = before.filter { $0.status != .submitted || $0.keeperOrderID == nil }
        for order in active {
            switch order.mode {
            case .dry:
                try await dry.advance(order)
            case .live:
                // Blocked (stop or DRY): decided here, so a waiting close never loads the key.
                if order.status == .intent, !gate.allows(.live) {
                    if !order.waitsWhenBlocked {
                        try await pool.withConnection {
                            try repository.markFailed(order.id, reason: "LIVE not allowed at submission (emergency stop or DRY)", on: $0)
                        }
                    }
                    continue
                }
                if live == nil {
                    do { try await prepareLive() } catch {
                        if order.status == .intent {
                            try await pool.withConnection {
                                try repository.markFailed(order.id, reason: "LIVE wallet unavailable: \(error)", on: $0)
                            }
                        }
                        continue
                    }
                }
                try await live!.advance(order)
            }
        }
        try await checkCancellations()
        guard !before.isEmpty else { return 0 }
        return try await pool.withConnection { try repository.countSettled(before.map(\.id), on: $0) }
    }

    /// The keeper's refusals (`MarketOpenCanceled`) for the wallet's opens, every two seconds.
    private func checkCancellations() async throws {
        guard let live, clock() - lastCancelCheck >= 2 else { return }
        lastCancelCheck = clock()
        let head = try await live.headBlock()
        try await live.checkCancellations(fromBlock: lastCancelCheckBlock ?? max(0, head - 50))
        lastCancelCheckBlock = max(0, head - 5)
    }

    /// LIVE orders the chain or the keeper left unanswered beyond COPY_ORDER_TIMEOUT_SECONDS,
    /// each returned once (the claim is stored), for the admins' alerts.
    public func claimOverdueOrders() async throws -> [OverdueOrder] {
        let now = clock()
        let before = now - settings.copy.orderTimeoutSeconds
        let repository = self.repository
        return try await pool.withConnection { try repository.claimOverdue(createdBefore: before, on: $0) }
            .map { OverdueOrder($0, now: now) }
    }

    // MARK: reads

    public func performance(since time: Int64? = nil) async throws -> CopyPerformance {
        let repository = self.repository
        return try await pool.withConnection { connection in
            CopyPerformance(orders: try repository.all(since: time, on: connection),
                            openPositions: try repository.mirroredPositions(on: connection).count)
        }
    }

    public func openPositionCount() async throws -> Int {
        let repository = self.repository
        return try await pool.withConnection { try repository.mirroredPositions(on: $0).count }
    }
}
