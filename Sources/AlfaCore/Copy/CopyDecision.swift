/// What the copy engine does with one leader fill.
public enum CopyDecision: Sendable, Equatable {
    case open(CopyOpen)
    case close(CopyClose)
    case skip(SkipReason)

    public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
        case signalTooOld(ageSeconds: Int64, limit: Int64)
        case maxOpenPositions(Int64)
        case noMirroredPosition
        case emergencyStop
        case paused
        case increaseNotCopied
        case pairNotCopied(Int32)
        case leaderMaxPositions(Int64)

        public var description: String {
            switch self {
            case .signalTooOld(let age, let limit): "signal \(age) s old (COPY_MAX_SIGNAL_AGE_SECONDS=\(limit))"
            case .maxOpenPositions(let limit): "\(limit) copied positions already open (COPY_MAX_OPEN_POSITIONS)"
            case .noMirroredPosition: "no mirrored position to close"
            case .emergencyStop: "emergency stop engaged"
            case .paused: "copying paused (/copy resume)"
            case .increaseNotCopied: "the leader added to a position; increases are not copied"
            case .pairNotCopied(let pair): "\(PairCatalogue.builtIn.name(of: pair)) is not copied from this leader (/copy set pairs=…)"
            case .leaderMaxPositions(let limit): "\(limit) positions copied from this leader already open (/copy set maxpos=…)"
            }
        }
    }
}

/// Our open mirroring a leader's: same pair and side, our size and capped leverage.
public struct CopyOpen: Sendable, Equatable {
    public var pairIndex: Int32
    public var isLong: Bool
    /// USDC × 1e6.
    public var collateral: Int64
    /// × 1e10.
    public var leverage: Int64
    /// The leader's fill price, × 1e10: what we expect, within the slippage.
    public var price: Int64
    public var slippageBps: Int64
    /// Our own stop-loss and take-profit, from the planned price.
    public var exits: CopyExits

    public init(pairIndex: Int32, isLong: Bool, collateral: Int64, leverage: Int64, price: Int64, slippageBps: Int64,
                exits: CopyExits = CopyExits()) {
        self.pairIndex = pairIndex
        self.isLong = isLong
        self.collateral = collateral
        self.leverage = leverage
        self.price = price
        self.slippageBps = slippageBps
        self.exits = exits
    }
}

/// A close of (part of) the position that mirrors the leader's.
public struct CopyClose: Sendable, Equatable {
    /// The copy order that opened our position.
    public var position: MirroredPosition
    /// USDC × 1e6 of our collateral to close.
    public var collateral: Int64
    public var isFull: Bool
    /// The leader's close price, × 1e10.
    public var price: Int64

    public init(position: MirroredPosition, collateral: Int64, isFull: Bool, price: Int64) {
        self.position = position
        self.collateral = collateral
        self.isFull = isFull
        self.price = price
    }
}

/// Our open copy position that mirrors one leader position lifecycle.
public struct MirroredPosition: Sendable, Equatable {
    /// The copy order that opened it.
    public var openOrderID: Int64
    public var pairIndex: Int32
    public var isLong: Bool
    public var entryPrice: Int64
    public var leverage: Int64
    /// Collateral still open, USDC × 1e6.
    public var remainingCollateral: Int64
    /// Opening fee not yet attributed to a close, USDC × 1e6.
    public var remainingOpeningFee: Int64
    /// The mode it was opened in: its closes go the same way.
    public var mode: ExecutionMode = .dry
    /// Our own stop-loss and take-profit.
    public var exits = CopyExits()

    public init(openOrderID: Int64, pairIndex: Int32, isLong: Bool, entryPrice: Int64, leverage: Int64,
                remainingCollateral: Int64, remainingOpeningFee: Int64, mode: ExecutionMode = .dry) {
        self.openOrderID = openOrderID
        self.pairIndex = pairIndex
        self.isLong = isLong
        self.entryPrice = entryPrice
        self.leverage = leverage
        self.remainingCollateral = remainingCollateral
        self.remainingOpeningFee = remainingOpeningFee
        self.mode = mode
    }
}
