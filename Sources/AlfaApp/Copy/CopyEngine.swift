import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// Turns leader fills into copy orders and drives them through the executor of their mode.
/// Only the replica holding the executor lock calls `step()` (see `CopyEngineService`);
/// any replica answers the reads.
public actor CopyEngine {
    private let copy: Settings.Copy
    private let execution: Settings.Execution
    /// PRICE_MAX_AGE_SECONDS: an older mark is not acted on.
    private let maxMarkAge: Int64
    private let pool: PostgresPool
    private let gate: ExecutionGate
    private let barrier: StopBarrier
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let repository = CopyOrderRepository()
    private let dry: DryExecutor
    /// Built without a key: it reconciles LIVE orders in any mode; the key is read when it signs.
    private let live: LiveExecutor
    private let signer: LiveWalletSource
    private let prices: PriceFeed
    private var lastExitCheck: Int64 = 0
    /// Positions already reported near their liquidation price, until they move away.
    private var nearLiquidation: Set<Int64> = []
    private var leaderCache: (leaders: [EVMAddress], at: Int64)?
    /// The leader set last recorded for the reports (nil until the executor's first step).
    private var recordedLeaders: Set<EVMAddress>?
    private var lastDelegationWarning: Int64?
    /// Orders seen in flight whose ending has not been counted yet (for the breakers' evaluation).
    private var settling: Set<Int64> = []

    /// Closes the stop barrier's session when this replica stops running the executor.
    func closeBarrier() async { await barrier.close() }

    init(copy: Settings.Copy, execution: Settings.Execution, chain: Settings.Chain, maxMarkAge: Int64, confirmations: Int64, pool: PostgresPool, gate: ExecutionGate, barrier: StopBarrier, lease: Lease, alerts: AlertSink,
         makeRPC: (@Sendable () throws -> JSONRPCClient)?, relayer: RelayerClient? = nil, prices: PriceFeed,
         clock serviceClock: ServiceClock,
         logger: Logger) {
        self.copy = copy
        self.execution = execution
        self.maxMarkAge = maxMarkAge
        self.pool = pool
        self.gate = gate
        clock = { serviceClock.unixSeconds }
        self.logger = logger
        self.prices = prices
        self.dry = DryExecutor(pool: pool, gate: gate)
        let signer = LiveWalletSource(execution: execution, chainID: chain.chainID, makeRPC: makeRPC, logger: logger)
        self.signer = signer
        self.barrier = barrier
        live = LiveExecutor(chain: chain, intentDeadlineSeconds: copy.intentDeadlineSeconds, confirmations: confirmations, pool: pool, gate: gate, barrier: barrier, lease: lease,
                            relayer: relayer ?? RelayerClient(base: chain.relayerURL), alerts: alerts,
                            clock: serviceClock, loadWallet: { try await signer.load() }, logger: logger)
    }

    // MARK: LIVE preparation

    /// Loads the signer: at start-up when LIVE is the stored mode, and before an admin's switch
    /// to LIVE is applied. Errors name the setting, never the key.
    @discardableResult
    func prepareLive() async throws -> LiveWallet { try await signer.load() }

    public var walletAddress: EVMAddress? { get async { await signer.wallet?.address } }

    /// What signs LIVE orders, for /copy status: nil until the key is loaded.
    public var walletDescription: String? { get async { await signer.wallet?.description } }

    /// A warning once a day while the delegation (WALLET_DELEGATE_EXPIRES_AT) ends within 7 days.
    public func delegationWarning() -> OverdueOrder? {
        guard case .delegate = execution.signer, let expires = execution.delegateExpiresAt else { return nil }
        let now = clock()
        guard expires - now < 7 * 86_400, now - (lastDelegationWarning ?? .min / 2) >= 86_400 else { return nil }
        lastDelegationWarning = now
        let left = expires - now
        return OverdueOrder(
            title: left > 0 ? "The delegate key's registration ends in \(left / 86_400) day(s) \(left % 86_400 / 3_600) h"
                            : "The delegate key's registration has ended",
            detail: "WALLET_DELEGATE_EXPIRES_AT is \(CivilDate.isoTime(unixSeconds: expires)): LIVE orders signed by the delegate are refused after it.",
            action: "Register the delegate again (Avantis API key generator) and update WALLET_DELEGATE_EXPIRES_AT.")
    }

    /// LIVE orders the relayer holds now: executing whatever the mode.
    public func acceptedOrders() async -> Int { await live.acceptedCount() }

    // MARK: leaders

    /// COPY_LEADERS, or the leaderboard's top COPY_AUTO_TOP_K (30 days); then admins' follows
    /// added and unfollows removed.
    public func leaders() async throws -> [EVMAddress] {
        let now = clock()
        if let cache = leaderCache, now - cache.at < 10 { return cache.leaders }
        let copy = self.copy
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

    /// `/copy pause` and `/copy resume`: new opens skipped, or copied again.
    public func setPaused(_ paused: Bool, by actor: String) async throws {
        let repository = self.repository
        try await pool.withConnection { try repository.setPaused(paused, by: actor, on: $0) }
    }

    /// Who paused copying and since when; nil when it is not paused.
    public func pause() async throws -> (by: String, since: Int64)? {
        let repository = self.repository
        return try await pool.withConnection { try repository.pause(on: $0) }
    }

    /// `/copy set`: the leader's own settings, changed (or only read, for `.show`).
    public func changeLeaderSettings(_ leader: EVMAddress, _ change: LeaderSettings.Change, by actor: String) async throws
        -> Result<LeaderSettings, LeaderSettings.Invalid> {
        let repository = self.repository
        return try await pool.transaction { connection in
            let current = try repository.leaderSettings(on: connection)[leader] ?? LeaderSettings()
            let next: LeaderSettings
            switch change {
            case .show: return .success(current)
            case .reset: next = LeaderSettings()
            case .assign(let words):
                switch current.setting(words) {
                case .success(let changed): next = changed
                case .failure(let invalid): return .failure(invalid)
                }
            }
            try repository.setLeaderSettings(next, of: leader, by: actor, on: connection)
            return .success(next)
        }
    }

    public func leaderSettings() async throws -> [EVMAddress: LeaderSettings] {
        let repository = self.repository
        return try await pool.withConnection { try repository.leaderSettings(on: $0) }
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
            let otherwise = copy.leaders.isEmpty ? "leaderboard top \(copy.autoTopK)" : "COPY_LEADERS"
            let repository = self.repository
            try await pool.withConnection { try repository.recordLeaderSet(Array(leaders), otherwise: otherwise, on: $0) }
            recordedLeaders = leaders
        }
        let repository = self.repository
        let policy = copy
        let gate = self.gate
        let now = clock()
        var total = 0
        while true {
            let page = try await pool.withConnection { connection in
                try FillRepository().fills(after: try repository.cursor(on: connection), limit: 500, on: connection)
            }
            guard let last = page.last else { return total }
            let signals = page.filter { leaders.contains($0.fill.trader) }
            let skippedForStop = try await pool.transaction { connection -> Int in
                var mirrors = try repository.mirroredPositions(on: connection)
                let paused = try repository.pause(on: connection) != nil
                let leaderSettings = try repository.leaderSettings(on: connection)
                var skipped = 0
                for (id, signal) in signals {
                    let state = gate.current
                    let key = CopyOrderRepository.tradeKey(signal)
                    let fromLeader = mirrors.keys.filter { $0.hasPrefix("\(signal.trader):") }.count
                    var decision = CopyPlanner.plan(signal, settings: policy, leader: leaderSettings[signal.trader] ?? LeaderSettings(),
                                                    now: now, openPositions: Int64(mirrors.count),
                                                    leaderOpenPositions: Int64(fromLeader), mirror: mirrors[key])
                    var mode = state.mode
                    if case .close(let close) = decision { mode = close.position.mode }
                    if state.emergencyStop, case .open = decision {
                        decision = .skip(.emergencyStop)
                        skipped += 1
                    } else if paused, case .open = decision {
                        decision = .skip(.paused)  // exits are still mirrored
                    }
                    // A LIVE order's nonce is stored with it before anything is signed.
                    let nonce = mode == .live ? AvantisIntent.randomNonce() : nil
                    guard let orderID = try repository.record(signal: signal, fillID: id, decision: decision, mode: mode,
                                                              intentNonce: nonce, on: connection) else { continue }
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
            if skippedForStop > 0 { logger.notice("\(skippedForStop) leader open(s) skipped: emergency stop engaged") }
            total += signals.count
        }
    }

    /// Advances what can move now: DRY intents are simulated; LIVE orders go through their state
    /// machines, and are reconciled with our fills. Returns how many orders left the in-flight
    /// states meanwhile (a LIVE outcome that arrives on its stream counts at the next step).
    private func advanceActive() async throws -> Int {
        let repository = self.repository
        let (before, live) = try await pool.withConnection { connection in
            (try repository.orders(status: CopyOrder.Status.inFlight, on: connection), try repository.unreconciled(on: connection))
        }
        try await closeDryPositionsAtTheirExits()
        for order in before where order.mode == .dry { try await dry.advance(order) }
        if !live.isEmpty { try await self.live.advance(live) }
        let closedByExchange = try await self.live.recordExchangeCloses()
        settling.formUnion(before.map(\.id))
        guard !settling.isEmpty else { return closedByExchange }
        let ids = Array(settling)
        let settled = try await pool.withConnection { connection in
            try repository.orders(ids: ids, on: connection).filter { !$0.status.isInFlight }.map(\.id)
        }
        settling.subtract(settled)
        return settled.count + closedByExchange
    }

    /// DRY positions whose own stop-loss or take-profit a fresh mark has reached, closed at that
    /// mark (the DRY executor fills the close). A stale mark decides nothing. LIVE positions'
    /// exits travel in their open's intent: the exchange executes them.
    private func closeDryPositionsAtTheirExits() async throws {
        let now = clock()
        guard now - lastExitCheck >= 1 else { return }
        lastExitCheck = now
        let positions = try await openPositions().filter { $0.mode == .dry && $0.exits != CopyExits() }
        guard !positions.isEmpty else { return }
        let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
        let repository = self.repository
        for position in positions {
            guard let mark = marks[position.pairIndex], !mark.isStale(now: now, maxAge: maxMarkAge),
                  let hit = position.exits.hit(mark: mark.price, isLong: position.isLong) else { continue }
            let reason = "\(hit.rawValue) at the mark \(FixedPoint.display(mark.price, scale: FixedPoint.priceScale)) (\(mark.source.rawValue))"
            let recorded = try await pool.withConnection {
                try repository.recordExit(of: position, reason: reason, price: mark.price, at: now, on: $0)
            }
            if recorded != nil { logger.notice("copy position closed by its own exit", metadata: ["open": "\(position.openOrderID)", "why": "\(reason)"]) }
        }
    }

    /// `/copy close` and BREAKER_ACTION=close_all: each selected position closed whole at
    /// market, in the mode it was opened in, at (DRY) or near (LIVE) its pair's latest mark,
    /// whatever its age: a close must not wait for a price. The executors send these even under
    /// the emergency stop. Positions without any price (no mark, no fill) are left open.
    public func closePositions(_ target: CloseTarget, by orderer: CloseOrderer) async throws -> [OrderedClose] {
        let positions = try await openPositions().filter(target.selects).sorted { $0.openOrderID < $1.openOrderID }
        guard !positions.isEmpty else { return [] }
        let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
        let repository = self.repository
        let now = clock()
        return try await pool.transaction { connection in
            try positions.compactMap { position -> OrderedClose? in
                guard let price = marks[position.pairIndex]?.price else { return nil }
                let nonce = position.mode == .live ? AvantisIntent.randomNonce() : nil
                let id = try repository.recordOrderedClose(of: position, by: orderer, price: price, at: now, intentNonce: nonce,
                                                           on: connection)
                return OrderedClose(position: position, orderID: id, price: price)
            }
        }
    }

    /// Positions whose fresh mark came within COPY_LIQUIDATION_ALERT_PCT of their liquidation
    /// price, each once until it moves away again.
    public func liquidationWarnings() async throws -> [OverdueOrder] {
        let positions = try await openPositions()
        guard !positions.isEmpty else { nearLiquidation = []; return [] }
        let now = clock()
        let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
        let report = OpenPositionsReport(positions, marks: marks, now: now, maxAge: maxMarkAge)
        nearLiquidation.formIntersection(positions.map(\.openOrderID))
        var warnings: [OverdueOrder] = []
        for line in report.lines {
            guard let mark = line.mark, !mark.isStale(now: now, maxAge: maxMarkAge), let value = line.valuation
            else { continue }
            let id = line.position.openOrderID
            guard value.liquidationDistanceBps <= copy.liquidationAlertBps else {
                nearLiquidation.remove(id)
                continue
            }
            guard nearLiquidation.insert(id).inserted else { continue }
            let side = line.position.isLong ? "long" : "short"
            warnings.append(OverdueOrder(
                title: "Our \(PairCatalogue.builtIn.name(of: line.position.pairIndex)) \(side) is "
                    + "\(FixedPoint.display(value.liquidationDistanceBps, scale: 2, decimals: 1)) % from liquidation",
                detail: "Copy order \(id), \(line.position.mode.rawValue): mark \(mark.describe(now: now, maxAge: maxMarkAge)), "
                    + "liquidation at \(FixedPoint.display(value.liquidationPrice, scale: FixedPoint.priceScale)), "
                    + "unrealized \(FixedPoint.display(value.gross, signed: true)) USDC.",
                action: "Close it in the Avantis app if the leader's exit will come too late; /copy pnl shows every position."))
        }
        return warnings
    }

    /// LIVE orders the relayer or the chain left unanswered beyond COPY_ORDER_TIMEOUT_SECONDS,
    /// each returned once (the claim is stored), for the admins' alerts.
    public func claimOverdueOrders() async throws -> [OverdueOrder] {
        let now = clock()
        let before = now - copy.orderTimeoutSeconds
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

    /// Our open positions (DRY and LIVE), as the engine mirrors them.
    public func openPositions() async throws -> [MirroredPosition] {
        let repository = self.repository
        return try await pool.withConnection { Array(try repository.mirroredPositions(on: $0).values) }
    }

    public func openPositionCount() async throws -> Int {
        let repository = self.repository
        return try await pool.withConnection { try repository.mirroredPositions(on: $0).count }
    }
}
