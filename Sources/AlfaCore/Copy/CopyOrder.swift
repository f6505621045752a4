/// One copy order, linked to the leader fill that caused it. Amounts USDC × 1e6, prices and
/// leverage × 1e10, times unix seconds.
public struct CopyOrder: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable { case open, close, skip }

    /// DRY: intent → filled. LIVE (Avantis v2, `CopyOrderMachine`): intent → signed → accepted →
    /// initiated → filled; or declined / failed / expired. Any order may be skipped at the start.
    public enum Status: String, Sendable, CaseIterable {
        case intent, signed, accepted, initiated, filled, skipped, failed, declined, expired

        /// Still moving: the executor advances these (the one list every query uses).
        public static let inFlight: [Status] = [.intent, .signed, .accepted, .initiated]
        /// An open in one of these is (or may become) a position of ours.
        public static let holdingPosition: [Status] = inFlight + [.filled]
        /// Settled without a fill: what the failure breakers count.
        public static let unfilled: [Status] = [.failed, .declined, .expired]

        public var isInFlight: Bool { Self.inFlight.contains(self) }
    }

    public var id: Int64
    public var leaderFillID: Int64
    public var leader: EVMAddress
    public var leaderKind: FillKind
    public var leaderPrice: Int64
    public var leaderTime: Int64
    public var action: Action
    public var mode: ExecutionMode
    public var status: Status
    public var reason: String?
    public var pairIndex: Int32
    public var isLong: Bool
    public var collateral: Int64
    public var leverage: Int64
    /// The slippage allowed when it was planned (COPY_SLIPPAGE_BPS then).
    public var slippageLimitBps: Int64 = 0
    /// The open this close belongs to.
    public var positionOrderID: Int64?
    public var tradeIndex: Int32?
    /// v1.5 only: the wallet's transaction nonce (history).
    public var nonce: Int64?
    public var txHash: Hash32?
    /// The exchange's order id (v2: the relayer's `orderId`, also in our `MarketExecuted`).
    public var keeperOrderID: Int64?
    public var fillPrice: Int64?
    public var fillCollateral: Int64?
    public var fee: Int64
    public var netPnL: Int64
    public var grossPnL: Int64
    public var gasUSDC: Int64
    public var createdAt: Int64
    public var completedAt: Int64?
    /// LIVE (v2): the signed intent's terms and the relayer's progress, as stored.
    public var live = LiveIntent()
    /// An open's own stop-loss and take-profit.
    public var exits = CopyExits()
    /// A close an admin or a breaker ordered ("admin 1001", "breaker drawdown"); nil for a leader's.
    public var orderedBy: String?

    /// What a LIVE order carries between the exchange and alfa.
    public struct LiveIntent: Sendable, Equatable {
        /// The trading wallet the intent is for (the trader of our fills).
        public var wallet: EVMAddress?
        /// 256-bit, 0x-hex; stored with the order before signing, never reused.
        public var nonce: String?
        public var digest: Hash32?
        /// Unix milliseconds.
        public var deadline: Int64?
        public var trackingID: String?
        public var lastSeq: Int64?
        /// Our position's on-chain open time (an open's fill): what its closes bind.
        public var openTimestamp: Int64?
        /// The id of our fill in `fills` once the indexer has it (accounting is final then).
        public var ownFillID: Int64?

        public init() {}
    }

    public init(id: Int64, leaderFillID: Int64, leader: EVMAddress, leaderKind: FillKind, leaderPrice: Int64, leaderTime: Int64,
                action: Action, mode: ExecutionMode, status: Status, reason: String?, pairIndex: Int32, isLong: Bool,
                collateral: Int64, leverage: Int64, positionOrderID: Int64?, tradeIndex: Int32?, nonce: Int64?, txHash: Hash32?,
                keeperOrderID: Int64?, fillPrice: Int64?, fillCollateral: Int64?, fee: Int64, netPnL: Int64, grossPnL: Int64,
                gasUSDC: Int64, createdAt: Int64, completedAt: Int64?) {
        self.id = id
        self.leaderFillID = leaderFillID
        self.leader = leader
        self.leaderKind = leaderKind
        self.leaderPrice = leaderPrice
        self.leaderTime = leaderTime
        self.action = action
        self.mode = mode
        self.status = status
        self.reason = reason
        self.pairIndex = pairIndex
        self.isLong = isLong
        self.collateral = collateral
        self.leverage = leverage
        self.positionOrderID = positionOrderID
        self.tradeIndex = tradeIndex
        self.nonce = nonce
        self.txHash = txHash
        self.keeperOrderID = keeperOrderID
        self.fillPrice = fillPrice
        self.fillCollateral = fillCollateral
        self.fee = fee
        self.netPnL = netPnL
        self.grossPnL = grossPnL
        self.gasUSDC = gasUSDC
        self.createdAt = createdAt
        self.completedAt = completedAt
    }

    /// What an order does when it may not be submitted (emergency stop, or DRY for a LIVE order):
    /// an open is dropped, never sent late; a close waits for trading to resume, since it only
    /// takes risk off.
    public var waitsWhenBlocked: Bool { action == .close }

    /// A close an admin or a breaker ordered goes out even under the emergency stop, and in
    /// the mode its position was opened in: it only takes risk off.
    public var passesTheStop: Bool { action == .close && orderedBy != nil }

    /// Slippage of our fill against the leader's price, in bps (positive = worse for us).
    public var slippageBps: Double? {
        guard let fillPrice, action != .skip else { return nil }
        return Self.slippageBps(fill: fillPrice, leader: leaderPrice, buying: (action == .open) == isLong)
    }

    /// Buying pays more than the leader, selling gets less: both positive.
    public static func slippageBps(fill: Int64, leader: Int64, buying: Bool) -> Double? {
        guard leader > 0 else { return nil }
        let move = Double(fill - leader) / Double(leader) * 10_000
        return buying ? move : -move
    }
}
