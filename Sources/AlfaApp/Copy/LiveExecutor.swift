import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import Synchronization

/// LIVE on Avantis v2: each copy order is a `CopyOrderMachine` whose actions this actor
/// performs. It signs the order's intent (with the delegate or the wallet key), submits it to
/// the batched-market relayer, reads the streamed lifecycle (or its replay), and reconciles
/// every order with our own fills as the indexer stores them, which are the chain's word.
///
/// Every transition is one compare-and-swap on the stored state, in a transaction that holds
/// the executor lease's epoch: a replica that lost the lease cannot write. Nothing lives only
/// in memory: after a crash or a restart (in DRY too) the stored state and the fills decide.
actor LiveExecutor {
    typealias Machine = CopyOrderMachine

    /// How long a signed intent may wait for the relayer (COPY_INTENT_DEADLINE_SECONDS).
    private let intentDeadlineSeconds: Int64
    /// Blocks behind the head before a fill counts (INDEXER_CONFIRMATIONS).
    private let confirmations: Int64
    private let pool: PostgresPool
    private let gate: ExecutionGate
    /// The stop as stored, for the replicas its NOTIFY has not reached yet.
    private let barrier: StopBarrier
    private let lease: Lease
    private let relayer: RelayerClient
    private let alerts: AlertSink
    private let logger: Logger
    /// Unix milliseconds.
    private let clock: @Sendable () -> Int64
    /// What the resubmission's pause sleeps on.
    private let timers: ServiceClock
    private let loadWallet: @Sendable () async throws -> LiveWallet
    private let domainSeparator: Hash32
    private let repository = CopyOrderRepository()

    private var machines: [Int64: Machine] = [:]
    /// The order each machine belongs to, as last read.
    private var orders: [Int64: CopyOrder] = [:]
    /// Orders with a POST or a replay running: their events come from it, not from the loop.
    private var streaming: Set<Int64> = []
    private var lastReplay: [Int64: Int64] = [:]
    /// Why an order is about to end without a fill: its row's reason.
    private var reasons: [Int64: String] = [:]
    /// What was just signed, stored with the `signed` state.
    private var signing: [Int64: CopyOrderRepository.SignedIntent] = [:]
    private var delegationAlerted = false

    init(chain: Settings.Chain, intentDeadlineSeconds: Int64, confirmations: Int64, pool: PostgresPool, gate: ExecutionGate, barrier: StopBarrier, lease: Lease, relayer: RelayerClient,
         alerts: AlertSink, clock: ServiceClock, loadWallet: @escaping @Sendable () async throws -> LiveWallet,
         logger: Logger) {
        self.intentDeadlineSeconds = intentDeadlineSeconds
        self.confirmations = confirmations
        self.pool = pool
        self.gate = gate
        self.barrier = barrier
        self.lease = lease
        self.relayer = relayer
        self.alerts = alerts
        self.clock = { clock.unixMilliseconds }
        timers = clock
        self.loadWallet = loadWallet
        self.logger = logger
        domainSeparator = AvantisIntent.domainSeparator(chainID: UInt64(chain.chainID), tradingRouter: chain.trading)
    }

    /// Moves every LIVE order as far as it can go now: the chain's word first (our fills), then
    /// the gate, the relayer's replay and the deadline. `orders`: `CopyOrderRepository.unreconciled`.
    func advance(_ orders: [CopyOrder]) async throws {
        // Read before the fills: a fill at or before this chain time is committed already.
        let chainTime = try await confirmedChainTime()
        let now = clock()
        for order in orders where !streaming.contains(order.id) {
            self.orders[order.id] = order
            if try await reconcile(order) { continue }
            guard let state = Machine.State(stored: order) else { continue }
            let gateOpen = gate.allows(order)
            var actions: [Machine.Action]
            if var machine = machines[order.id], machine.state == state {
                actions = machine.gateOpen == gateOpen ? [] : machine.handle(gateOpen ? .gateOpened : .gateClosed)
                if actions.isEmpty, state.lastSeq >= 0, now - (lastReplay[order.id] ?? 0) >= 1_000 {
                    // The relayer holds it and no stream is open: ask how it went.
                    actions = machine.handle(.streamEnded)
                }
                if actions.isEmpty, let chainTime { actions = machine.handle(.tick(now: chainTime, filledOnChain: false)) }
                machines[order.id] = machine
            } else {
                // First sight in this process (new, restarted, or moved by another writer): the stored state decides.
                var machine = Machine(state: state, gateOpen: gateOpen, isClose: order.action == .close,
                                      nonce: order.live.nonce, deadline: order.live.deadline)
                actions = machine.handle(.restart)
                machines[order.id] = machine
            }
            if actions.contains(where: { if case .persist(.failed) = $0 { true } else { false } }), !gateOpen {
                reasons[order.id] = "LIVE not allowed at submission (emergency stop or DRY)"
            }
            try await perform(actions, for: order, from: state)
        }
        let live = Set(orders.map(\.id))
        for id in machines.keys where !live.contains(id) && !streaming.contains(id) { forget(id) }
    }

    /// Positions of ours the exchange closed by itself (a take-profit, stop-loss or
    /// liquidation): recorded as filled closes with their PnL, retired, and told to the admins,
    /// so that a leader's later close is not sent for a position that is gone. Returns how many.
    @discardableResult
    func recordExchangeCloses() async throws -> Int {
        let (lease, repository) = (self.lease, self.repository)
        let recorded = try await pool.transaction { connection -> [(order: CopyOrder, fill: Fill, net: Int64)] in
            let closes = try repository.exchangeCloses(on: connection)
            guard !closes.isEmpty else { return [] }
            try lease.check(on: connection)
            var recorded: [(order: CopyOrder, fill: Fill, net: Int64)] = []
            for close in closes {
                let reason = "\(close.fill.kind.rawValue.replacingOccurrences(of: "_", with: "-")) executed by the exchange"
                guard let id = try repository.recordExchangeClose(close.fill, fillID: close.fillID, of: close.open, reason: reason,
                                                                  on: connection),
                      let order = try repository.order(id, on: connection)
                else { continue }
                try Self.book(order, RelayerEvent.Fill(ours: close.fill), own: (close.fillID, close.fill), on: connection)
                try repository.retirePosition(close.open.id, on: connection)
                recorded.append((order, close.fill, try repository.order(id, on: connection)?.netPnL ?? 0))
            }
            return recorded
        }
        for (order, fill, net) in recorded {
            let side = order.isLong ? "long" : "short"
            logger.notice("copy position closed by the exchange", metadata: ["order": "\(order.id)", "kind": "\(fill.kind.rawValue)"])
            await alerts.current.raise(
                fill.kind == .liquidation ? .critical : .warning,
                "Our \(PairCatalogue.builtIn.name(of: order.pairIndex)) \(side) was closed on chain: \(fill.kind.rawValue.replacingOccurrences(of: "_", with: " "))",
                detail: "Copy order \(order.positionOrderID.map(String.init) ?? "?")'s position, at \(FixedPoint.display(fill.price, scale: FixedPoint.priceScale)): "
                    + "net \(FixedPoint.display(net, signed: true)) USDC.",
                action: "Nothing to do: the leader's later close of it is skipped. /copy pnl shows the account.")
        }
        return recorded.count
    }

    /// Orders the relayer holds now (accepted or initiated): after a stop they execute anyway.
    func acceptedCount() -> Int {
        machines.values.filter { if case .accepted = $0.state { true } else if case .initiated = $0.state { true } else { false } }.count
    }

    // MARK: the chain's word

    /// Matches our fill for the order, if the indexer has it: the outcome (or, for an order
    /// the relayer already reported executed, its final figures).
    private func reconcile(_ order: CopyOrder) async throws -> Bool {
        guard order.live.wallet != nil else { return false }
        let repository = self.repository
        let match = try await pool.withConnection { connection -> (position: CopyOrder?, own: (id: Int64, fill: Fill)?) in
            let position = try order.positionOrderID.flatMap { try repository.order($0, on: connection) }
            return (position, try repository.ownFill(for: order, closing: position, on: connection))
        }
        guard let own = match.own else { return false }
        let fill = RelayerEvent.Fill(ours: own.fill)
        if order.status == .filled {
            let lease = self.lease
            try await pool.transaction { connection in
                try lease.check(on: connection)
                try Self.book(order, fill, own: own, on: connection)
            }
            logger.info("copy order \(order.id): our fill indexed", metadata: ["fill": "\(own.id)"])
            return true
        }
        guard let state = Machine.State(stored: order) else { return false }
        var machine = machines[order.id]
            ?? Machine(state: state, gateOpen: gate.allows(order), isClose: order.action == .close, nonce: order.live.nonce,
                       deadline: order.live.deadline)
        let actions = machine.handle(.ourFill(fill))
        machines[order.id] = machine
        try await perform(actions, for: order, from: state, own: own)
        return true
    }

    private func confirmedChainTime() async throws -> Int64? {
        let confirmations = self.confirmations
        return try await pool.withConnection {
            try IndexerRepository().confirmedChainTime(confirmations: confirmations, on: $0)
        }.map { $0 * 1_000 }
    }

    // MARK: actions

    private func perform(_ actions: [Machine.Action], for order: CopyOrder, from stored: Machine.State,
                         own: (id: Int64, fill: Fill)? = nil) async throws {
        var stored = stored
        var queue = actions[...]
        while let action = queue.popFirst() {
            switch action {
            case .persist(let next):
                guard try await persist(order, from: stored, to: next, own: own) else {
                    // Another writer moved it: read it again next time.
                    forget(order.id)
                    return
                }
                stored = next
                if next.isFinal { logOutcome(order, next) }
            case .sign(let nonce):
                guard let signed = try await sign(order, nonce: nonce) else { return }
                queue.append(contentsOf: feed(order.id, .signed(signed)))
            case .submit(let signed):
                guard gate.beginSubmission(order) else {
                    queue.append(contentsOf: feed(order.id, .gateClosed))
                    continue
                }
                submit(order, signed)
            case .replay(let trackingID, let afterSeq):
                replay(order.id, trackingID: trackingID, afterSeq: afterSeq)
            case .alert(let text):
                await alert(order, text)
            case .releaseNonce:
                // A bitmap nonce: nothing to give back; it stays stored with the order, never reused.
                break
            }
        }
    }

    private func feed(_ id: Int64, _ event: Machine.Event) -> [Machine.Action] {
        guard var machine = machines[id] else { return [] }
        let actions = machine.handle(event)
        machines[id] = machine
        return actions
    }

    private func forget(_ id: Int64) {
        machines[id] = nil
        orders[id] = nil
        reasons[id] = nil
        signing[id] = nil
        lastReplay[id] = nil
    }

    /// One compare-and-swap, in a transaction holding the lease; an executed order books its fill in it.
    private func persist(_ order: CopyOrder, from: Machine.State, to next: Machine.State,
                         own: (id: Int64, fill: Fill)?) async throws -> Bool {
        let reason: String? = switch next {
        case .failed(let code): reasons[order.id] ?? "failed: \(code)"
        case .declined(let why): reasons[order.id] ?? "declined by the protocol: \(why)"
        case .expired: "the intent's deadline passed with no fill of ours on chain"
        default: nil
        }
        let signed = signing[order.id]
        let (lease, repository) = (self.lease, self.repository)
        return try await pool.transaction { connection in
            try lease.check(on: connection)
            guard try repository.transition(order.id, from: from, to: next, reason: reason, signed: signed,
                                            epoch: try lease.epoch(), on: connection) else { return false }
            if case .executed(let fill) = next { try Self.book(order, fill, own: own, on: connection) }
            return true
        }
    }

    /// Books a fill of ours on the order: the relayer's figures (fees unknown yet), or the
    /// indexed fill's (`own`), which are final.
    private static func book(_ order: CopyOrder, _ fill: RelayerEvent.Fill, own: (id: Int64, fill: Fill)?,
                             on connection: PostgresConnection) throws {
        let repository = CopyOrderRepository()
        var position: LiveFillFigures.Position?
        if order.action == .close {
            // The open's fee is shared in proportion to the collateral each close takes, as in DRY.
            let opened = try order.positionOrderID.flatMap { try repository.order($0, on: connection) }
            position = .init(remainingOpeningFee: opened?.fee ?? 0, remainingCollateral: opened?.fillCollateral ?? 0)
        }
        // Until the indexer has our fill, its fees are unknown: the relayer reports none.
        let fees = own.map { order.action == .open ? $0.fill.openingFee : $0.fill.closingFee + $0.fill.rolloverFee + $0.fill.fundingFee }
        let figures = LiveFillFigures(fill, fees: fees ?? 0, closing: position)
        try repository.markFilled(order.id, price: figures.price, collateral: figures.collateral, fee: figures.fee,
                                  grossPnL: figures.grossPnL, netPnL: figures.netPnL, openingFeeShare: figures.openingFeeShare,
                                  tradeIndex: figures.tradeIndex, openTimestamp: figures.openTimestamp, ownFillID: own?.id,
                                  on: connection)
    }

    /// Builds and signs the order's intent. Nil when it cannot be signed now: a close whose
    /// open has no fill yet waits; one that never will, or a key that cannot be loaded, fails.
    private func sign(_ order: CopyOrder, nonce: String) async throws -> Machine.Signed? {
        let wallet: LiveWallet
        do { wallet = try await loadWallet() } catch {
            try await fail(order, "LIVE wallet unavailable: \(error)")
            return nil
        }
        let deadline = clock() + intentDeadlineSeconds * 1_000
        let intent: AvantisIntent.Order
        switch order.action {
        case .open:
            intent = AvantisIntent.marketOpen(trader: wallet.address, pairIndex: order.pairIndex, collateral: order.collateral,
                                              price: order.leaderPrice, isLong: order.isLong, leverage: order.leverage,
                                              slippageBps: order.slippageLimitBps, exits: order.exits, deadline: deadline, nonce: nonce)
        case .close:
            let repository = self.repository
            let opened = try await pool.withConnection { connection in
                try order.positionOrderID.flatMap { try repository.order($0, on: connection) }
            }
            guard let opened else {
                try await fail(order, "the position it closes is unknown")
                return nil
            }
            if opened.status.isInFlight {
                forget(order.id)  // its open is on its way: signed once that is filled
                return nil
            }
            guard opened.status == .filled, let index = opened.tradeIndex, let openTimestamp = opened.live.openTimestamp else {
                try await fail(order, "the position it closes was never filled")
                return nil
            }
            intent = AvantisIntent.marketClose(trader: wallet.address, pairIndex: order.pairIndex, index: index,
                                               openTimestamp: openTimestamp, amount: order.collateral, wantedPrice: order.leaderPrice,
                                               deadline: deadline, nonce: nonce)
        case .skip:
            return nil
        }
        let signed = try AvantisIntent.sign(intent, with: wallet.signer, domainSeparator: domainSeparator)
        signing[order.id] = .init(wallet: wallet.address, kind: intent.kind, orderType: intent.orderType,
                                  userIntent: signed.userIntent, signature: signed.signature)
        return Machine.Signed(nonce: nonce, digest: signed.digest, deadline: deadline)
    }

    /// An intent that cannot be signed ends here (nothing was signed: its nonce is unused).
    private func fail(_ order: CopyOrder, _ reason: String) async throws {
        guard let state = Machine.State(stored: order) else { return }
        reasons[order.id] = reason
        _ = try await persist(order, from: state, to: .failed(code: "NOT_SIGNED"), own: nil)
        logger.warning("copy order \(order.id) failed: \(reason)")
        forget(order.id)
    }

    // MARK: the relayer

    /// POSTs the signed intent on a task of its own; its events come back through `receive`.
    /// The gate is held until the relayer answers: once a stop's reply is out, nothing is submitted.
    /// Call with the gate claimed (`beginSubmission`): the stream releases it.
    private func submit(_ order: CopyOrder, _ signed: Machine.Signed) {
        let resubmission = machines[order.id]?.resubmitted ?? false
        streaming.insert(order.id)
        let intent = signing[order.id]
        Task { await self.stream(order, intent, resubmission: resubmission) }
    }

    private nonisolated func stream(_ order: CopyOrder, _ cached: CopyOrderRepository.SignedIntent?, resubmission: Bool) async {
        let id = order.id
        let released = Mutex(false), entered = Mutex(false)
        let (gate, barrier) = (self.gate, self.barrier)
        @Sendable func release() {
            guard released.withLock({ let was = $0; $0 = true; return !was }) else { return }
            gate.endSubmission()
            // After the relayer's answer: a stop waiting on the barrier may commit now.
            if entered.withLock({ $0 }) { Task { await barrier.leave() } }
        }
        let (events, continuation) = AsyncStream.makeStream(of: (RelayerEvent, Int64?).self)
        let consumer = Task {
            for await (event, seq) in events { await self.receive(id, .relayer(event, seq: seq)) }
        }
        var ending = Machine.Event.streamEnded
        do {
            let repository = CopyOrderRepository()
            var intent = cached
            if intent == nil { intent = try await pool.withConnection { try repository.signedIntent(id, on: $0) } }
            guard let intent else {
                release()
                continuation.finish()
                return await endStream(id, nil)
            }
            // Again after a cut or a failed POST: not in a tight loop.
            if resubmission { try await timers.sleep(for: .seconds(1)) }
            // A close an admin or a breaker ordered passes the stop; anything else checks the stored one.
            if !order.passesTheStop {
                guard await barrier.enter(order) else {
                    release()
                    continuation.finish()
                    await consumer.value
                    return await endStream(id, .gateClosed)
                }
                entered.withLock { $0 = true }
            }
            try await relayer.submit(orderType: intent.orderType, userIntent: intent.userIntent, signature: intent.signature) { event, seq in
                release()
                continuation.yield((event, seq))
            }
        } catch let failure as RelayerClient.Failure {
            if case .refused(_, let reason) = failure { ending = .submitRefused(reason: reason) }
            logger.warning("copy order \(id): \(failure)")
        } catch {
            logger.warning("copy order \(id): \(error)")
        }
        release()
        continuation.finish()
        await consumer.value
        await endStream(id, ending)
    }

    private func endStream(_ id: Int64, _ ending: Machine.Event?) async {
        streaming.remove(id)
        guard let ending, let machine = machines[id], !machine.state.isFinal else { return }
        await receive(id, ending)
    }

    private func replay(_ id: Int64, trackingID: String, afterSeq: Int64) {
        guard !streaming.contains(id) else { return }
        streaming.insert(id)
        lastReplay[id] = clock()
        let relayer = self.relayer
        Task {
            do {
                for (seq, event) in try await relayer.replay(trackingID: trackingID, afterSeq: afterSeq) {
                    await self.receive(id, .relayer(event, seq: seq))
                }
            } catch {
                self.logger.warning("copy order \(id): replay of \(trackingID) failed: \(error)")
            }
            await self.endStream(id, nil)
        }
    }

    /// One event of an order's stream or replay.
    private func receive(_ id: Int64, _ event: Machine.Event) async {
        guard let machine = machines[id], let order = orders[id] else { return }
        switch event {
        case .submitRefused(let reason):
            reasons[id] = "refused by the relayer: \(reason)"
        case .relayer(.error(let code, let message), _):
            reasons[id] = "the relayer failed it: \(code)" + (message.isEmpty ? "" : " (\(message))")
        case .relayer(.declined, _):
            reasons[id] = "declined by the protocol (slippage or price moved)"
        default:
            break
        }
        let before = machine.state
        let actions = feed(id, event)
        do { try await perform(actions, for: order, from: before) } catch {
            logger.warning("copy order \(id): \(error)")
            forget(id)
        }
    }

    // MARK: telling

    private func alert(_ order: CopyOrder, _ text: String) async {
        let side = order.isLong ? "long" : "short"
        let title = "Copy order \(order.id) (\(order.action.rawValue) \(PairCatalogue.builtIn.name(of: order.pairIndex)) \(side))"
        let reason = reasons[order.id] ?? text
        if reason.localizedCaseInsensitiveContains("delegate") {
            // A revoked or expired delegation fails every order alike: one clear alert, not one per order.
            guard !delegationAlerted else { return }
            delegationAlerted = true
            await alerts.current.raise(.critical, "The relayer refuses the delegate key", detail: "\(title): \(reason)",
                                       action: "Register the delegate to WALLET_ADDRESS again (Avantis API key generator), or point "
                                           + "WALLET_DELEGATE_KEY_FILE at one that is; LIVE orders fail until then.")
            return
        }
        await alerts.current.raise(.warning, title + ": " + text, detail: reason,
                                   action: "The breakers count it; /copy pnl lists the order.")
    }

    private func logOutcome(_ order: CopyOrder, _ state: Machine.State) {
        switch state {
        case .executed(let fill):
            logger.notice("copy order \(order.id) executed", metadata: ["order-id": "\(fill.orderID)", "price": "\(fill.price)"])
        default:
            logger.warning("copy order \(order.id) ended \(state.name)", metadata: ["reason": "\(reasons[order.id] ?? "")"])
        }
    }
}
