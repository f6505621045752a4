import AlfaChain
import AlfaCore
import AlfaStore
import Logging

/// LIVE: builds, signs and sends `openTrade` / `closeTradeMarket` from the copy wallet.
/// The signed bytes are stored before they are sent, so after a crash an order is re-sent as
/// the very same transaction (same nonce, same hash) or found on chain — never signed twice.
actor LiveExecutor: CopyExecutor {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    let wallet: WalletKey
    private let rpc: JSONRPCClient
    private let chain: Settings.Chain
    private let copy: Settings.Copy
    private let pool: PostgresPool
    private let gate: ExecutionGate
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let repository = CopyOrderRepository()
    private var nextNonce: Int64?
    private var approvedUpTo: Int64 = 0
    /// Tip per gas: Base clears at a fraction of a gwei; capped by the ceiling anyway.
    private let tipWei: UInt64 = 1_000_000

    init(wallet: WalletKey, rpc: JSONRPCClient, settings: Settings, pool: PostgresPool, gate: ExecutionGate,
         clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.clock = clock
        self.wallet = wallet
        self.rpc = rpc
        self.chain = settings.chain
        self.copy = settings.copy
        self.pool = pool
        self.gate = gate
        self.logger = logger
    }

    func advance(_ order: CopyOrder) async throws {
        switch order.status {
        case .intent: try await submit(order)
        case .signed: try await resend(order)
        case .submitted: try await track(order)
        default: return
        }
    }

    // MARK: submit

    /// The engine holds or drops blocked intents before calling this; a stop that arrives while
    /// the order is prepared is caught at `beginSubmission`, with the same rule.
    private func submit(_ order: CopyOrder) async throws {
        let data: [UInt8]
        switch order.action {
        case .open:
            do { try await ensureAllowance(order.collateral) } catch {
                return try await fail(order.id, "USDC approval failed: \(error)")
            }
            data = AvantisCalls.openTrade(trader: wallet.address, pairIndex: order.pairIndex, collateral: order.collateral,
                                          price: order.leaderPrice, isLong: order.isLong, leverage: order.leverage,
                                          slippageBps: order.slippageLimitBps)
        case .close:
            guard let slot = try await openSlot(of: order) else {
                return try await fail(order.id, "the position it closes has no fill on chain")
            }
            data = AvantisCalls.closeTradeMarket(pairIndex: order.pairIndex, tradeIndex: slot, collateral: order.collateral)
        case .skip:
            return
        }
        let signed: (transaction: SignedTransaction, nonce: Int64)
        do {
            signed = try await sign(to: chain.trading, data: data)
        } catch {
            return try await fail(order.id, "\(error)")
        }
        let nonce = signed.nonce
        let repository = self.repository
        try await pool.withConnection { try repository.markSigned(order.id, nonce: nonce, txHash: signed.transaction.hash,
                                                                 raw: signed.transaction.raw, on: $0) }
        // The last look: a stop that arrived while this order was being prepared wins.
        guard gate.beginSubmission(.live) else {
            nextNonce = nonce
            try await pool.withConnection {
                if order.waitsWhenBlocked {
                    try repository.unsign(order.id, on: $0)
                } else {
                    try repository.releaseSigned(order.id, reason: "emergency stop engaged before sending", on: $0)
                }
            }
            return
        }
        defer { gate.endSubmission() }
        try await send(order.id, signed.transaction)
    }

    private func send(_ id: Int64, _ transaction: SignedTransaction) async throws {
        do {
            _ = try await rpc.sendRawTransaction(transaction.raw)
        } catch {
            // "already known" / "nonce too low" after a resend: the receipt decides below.
            if try await rpc.receipt(transaction.hash) == nil {
                nextNonce = nil
                let repository = self.repository
                if case .rpc = error {
                    // Refused by the node: never on chain, so its nonce is free again.
                    try await pool.withConnection { try repository.releaseSigned(id, reason: "refused by the node: \(error)", on: $0) }
                }
                logger.warning("copy order \(id): send failed: \(error)")
                return
            }
        }
        try await settle(id, hash: transaction.hash)
    }

    /// After a crash between storing and sending: the stored bytes again, or what the chain already has.
    private func resend(_ order: CopyOrder) async throws {
        guard let hash = order.txHash else { return }
        if try await rpc.receipt(hash) != nil { return try await settle(order.id, hash: hash) }
        let repository = self.repository
        guard let raw = try await pool.withConnection({ try repository.rawTransaction(order.id, on: $0) }) else { return }
        // An open not on chain by now is a stale signal: never sent late (its nonce is free again).
        if order.action == .open, clock() - order.leaderTime > copy.maxSignalAgeSeconds {
            nextNonce = nil
            try await pool.withConnection {
                try repository.releaseSigned(order.id, reason: "not on chain and older than COPY_MAX_SIGNAL_AGE_SECONDS: not re-sent", on: $0)
            }
            return
        }
        // Stays signed while LIVE is not allowed: re-sent when it is again, or failed by an admin.
        guard gate.beginSubmission(.live) else { return }
        defer { gate.endSubmission() }
        logger.notice("copy order \(order.id): re-sending its stored transaction \(hash)")
        try await send(order.id, SignedTransaction(raw: raw))
    }

    /// Reads the receipt: the keeper's order id and the gas, or the revert.
    private func settle(_ id: Int64, hash: Hash32) async throws {
        guard let receipt = try await rpc.receipt(hash) else {
            let repository = self.repository
            try await pool.withConnection { try repository.markSubmitted(id, keeperOrderID: nil, gasWei: 0, gasUSDC: 0, on: $0) }
            return
        }
        let repository = self.repository
        guard receipt.succeeded else { return try await fail(id, "transaction \(hash) reverted") }
        let keeperID = receipt.logs.first { $0.address == chain.trading && $0.topics.first == AvantisCalls.marketOrderInitiatedTopic }
            .flatMap { AvantisCalls.orderID(fromOrderInitiatedData: $0.data) }
        let gasWei = Int128(receipt.gasUsed) * Int128(receipt.effectiveGasPrice)
        let gasUSDC = Int64(clamping: gasWei * Int128(copy.ethPriceUSDC) / 1_000_000_000_000_000_000)
        try await pool.withConnection {
            try repository.markSubmitted(id, keeperOrderID: keeperID.map(Int64.init), gasWei: gasWei, gasUSDC: gasUSDC, on: $0)
        }
    }

    private func track(_ order: CopyOrder) async throws {
        if order.keeperOrderID == nil, let hash = order.txHash { try await settle(order.id, hash: hash) }
    }

    // MARK: the keeper's answers

    func observe(ownFill: Fill) async throws {
        let repository = self.repository
        try await pool.transaction { connection in
            guard let order = try repository.awaitingKeeper(on: connection)[Int64(ownFill.orderID)] else { return }
            if order.action == .open {
                try repository.markFilled(order.id, price: ownFill.price, collateral: ownFill.collateral, fee: ownFill.openingFee,
                                          grossPnL: 0, netPnL: 0, openingFeeShare: 0, tradeIndex: ownFill.tradeIndex, on: connection)
            } else {
                let opened = try order.positionOrderID.flatMap { try repository.order($0, on: connection) }
                let share = CopyAccounting.openingFeeShare(remainingFee: opened?.fee ?? 0, closing: ownFill.collateral,
                                                           remainingCollateral: opened?.fillCollateral ?? 0)
                try repository.markFilled(order.id, price: ownFill.price, collateral: ownFill.collateral,
                                          fee: ownFill.closingFee + ownFill.rolloverFee, grossPnL: ownFill.grossPnL,
                                          netPnL: CopyAccounting.netPnL(payout: ownFill.payout, closed: ownFill.collateral,
                                                                        openingFeeShare: share),
                                          openingFeeShare: share, on: connection)
            }
        }
    }

    /// `MarketOpenCanceled(orderId, trader indexed, pairIndex)` for the wallet: the keeper refused an open.
    func checkCancellations(fromBlock: Int64) async throws {
        let logs = try await rpc.logs(from: fromBlock, address: chain.tradingCallbacks, topic0: AvantisCalls.marketOpenCanceledTopic,
                                      topic1: [UInt8](repeating: 0, count: 12) + wallet.address.bytes)
        guard !logs.isEmpty else { return }
        let repository = self.repository
        try await pool.transaction { connection in
            let waiting = try repository.awaitingKeeper(on: connection)
            for log in logs {
                guard log.data.count >= 32, let id = ABIWords(log.data).unsigned(0), let order = waiting[Int64(id)] else { continue }
                try repository.markFailed(order.id, status: .canceled, reason: "the keeper canceled the open (MarketOpenCanceled)",
                                          on: connection)
            }
        }
    }

    func headBlock() async throws -> Int64 { try await rpc.blockNumber() }

    // MARK: building blocks

    private func openSlot(of order: CopyOrder) async throws -> Int32? {
        guard let position = order.positionOrderID else { return nil }
        let repository = self.repository
        let opened = try await pool.withConnection { try repository.order(position, on: $0) }
        return opened?.status == .filled ? opened?.tradeIndex : nil
    }

    private func ensureAllowance(_ amount: Int64) async throws {
        if approvedUpTo >= amount { return }
        let answer = try await rpc.ethCall(to: chain.usdc, data: AvantisCalls.allowance(owner: wallet.address, spender: chain.tradingStorage))
        let allowance = answer.count == 32 && answer[0..<24].contains(where: { $0 != 0 }) ? Int64.max
            : Int64(clamping: answer.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        if allowance >= amount {
            approvedUpTo = allowance
            return
        }
        let approval = try await sign(to: chain.usdc, data: AvantisCalls.approveUnlimited(spender: chain.tradingStorage))
        guard gate.beginSubmission(.live) else {
            nextNonce = nil
            throw Refused(description: "LIVE not allowed any more")
        }
        defer { gate.endSubmission() }
        _ = try await rpc.sendRawTransaction(approval.transaction.raw)
        logger.notice("USDC approved to TradingStorage for the copy wallet", metadata: ["tx": "\(approval.transaction.hash)"])
        approvedUpTo = .max
    }

    /// Signs a call with the next nonce and fees under the ceiling.
    private func sign(to: EVMAddress, data: [UInt8]) async throws -> (transaction: SignedTransaction, nonce: Int64) {
        let baseFee = try await rpc.baseFee()
        let ceiling = UInt64(copy.maxGasWei)
        guard baseFee < ceiling else {
            throw Refused(description: "base fee \(baseFee) wei is above COPY_MAX_GAS_GWEI (\(ceiling) wei): not sent")
        }
        let tip = min(tipWei, ceiling - baseFee)
        let maxFee = min(ceiling, baseFee * 2 + tip)
        let estimate: UInt64
        do { estimate = try await rpc.estimateGas(from: wallet.address, to: to, data: data) } catch {
            throw Refused(description: "the node expects this call to revert: \(error)")
        }
        let nonce = try await reserveNonce()
        let transaction = EIP1559Transaction(chainID: chain.chainID, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                             gasLimit: estimate + estimate / 4, to: to, data: data)
        return (wallet.sign(transaction), nonce)
    }

    /// The next nonce: the chain's pending count or past every stored order, whichever is higher.
    private func reserveNonce() async throws -> Int64 {
        if nextNonce == nil {
            let onChain = try await rpc.transactionCount(wallet.address)
            let repository = self.repository
            let stored = try await pool.withConnection { try repository.nextStoredNonce(on: $0) } ?? 0
            nextNonce = max(onChain, stored)
        }
        defer { nextNonce! += 1 }
        return nextNonce!
    }

    private func fail(_ id: Int64, _ reason: String) async throws {
        logger.warning("copy order \(id) failed: \(reason)")
        let repository = self.repository
        try await pool.withConnection { try repository.markFailed(id, reason: reason, on: $0) }
    }
}
