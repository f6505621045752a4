/// FIFO position book of one or many traders: opens add lots, closes consume the oldest
/// lots first and yield `ClosedTrade`s with clean PnL. Pure integer arithmetic.
public struct PositionBook: Sendable {
    public struct OpenPosition: Sendable, Equatable {
        public let key: PositionKey
        public let isLong: Bool
        public internal(set) var lots: [Lot]
        /// Clean PnL realized by earlier partial closes of this position.
        public internal(set) var realizedNetPnL: Int64

        public var collateral: Int64 { lots.reduce(0) { $0 + $1.collateral } }
        public var notional: Int64 { lots.reduce(0) { $0 + Lot.notional($1.collateral, $1.leverage) } }
    }

    /// What one fill did to the book.
    public enum Outcome: Sendable, Equatable {
        case opened
        case closed(ClosedTrade)
        /// A close with no open position: history before the start block. Excluded from PnL.
        case unmatched
    }

    public private(set) var positions: [PositionKey: OpenPosition] = [:]
    public private(set) var unmatchedCloses = 0
    /// Totals for invariants: collateral closed never exceeds collateral opened.
    public private(set) var openedCollateral: Int128 = 0
    public private(set) var closedCollateral: Int128 = 0

    public init() {}

    public mutating func apply(_ fill: Fill) -> Outcome {
        let key = fill.positionKey
        if fill.kind == .open {
            let lot = Lot(collateral: fill.collateral, openingFee: fill.openingFee, price: fill.price,
                          leverage: fill.leverage, openedAt: fill.blockTime)
            // A second open on a live lifecycle is an increase: a lot at its own price.
            positions[key, default: OpenPosition(key: key, isLong: fill.isLong, lots: [], realizedNetPnL: 0)].lots.append(lot)
            openedCollateral += Int128(fill.collateral)
            return .opened
        }
        // Taken out of the dictionary while it changes, so its lots are not copied (copy-on-write).
        guard var position = positions.removeValue(forKey: key), position.collateral > 0 else {
            unmatchedCloses += 1
            return .unmatched
        }
        // A partial close takes what it names; every other close ends the position.
        let target = fill.kind == .partialClose ? min(fill.collateral, position.collateral) : position.collateral
        var remaining = target
        var openingFee: Int64 = 0
        var notional: Int128 = 0
        var gross: Int128 = 0
        var weightedEntry: Int128 = 0
        var weightedLeverage: Int128 = 0
        while remaining > 0, !position.lots.isEmpty {
            let amount = min(remaining, position.lots[0].collateral)
            let lot = position.lots[0]
            let part = position.lots[0].take(amount)
            openingFee += part.openingFee
            let partNotional = Int128(Lot.notional(amount, lot.leverage))
            notional += partNotional
            // notional × relative price move; the side decides the sign.
            let move = partNotional * Int128(fill.price - lot.price) / Int128(max(lot.price, 1))
            gross += position.isLong ? move : -move
            weightedEntry += Int128(lot.price) * Int128(amount)
            weightedLeverage += Int128(lot.leverage) * Int128(amount)
            if position.lots[0].collateral == 0 { position.lots.removeFirst() }
            remaining -= amount
        }
        closedCollateral += Int128(target)
        let net = fill.payout - target - openingFee
        let completes = position.lots.isEmpty
        let grossPnL = Int64(clamping: gross)
        let expectedPayout = Int128(target) + gross - Int128(fill.closingFee) - Int128(fill.rolloverFee)
        let tolerance = Int128(max(10_000, target / 1_000)) // 0.01 USDC or 0.1 % of the collateral
        let trade = ClosedTrade(
            key: key, kind: fill.kind, isLong: position.isLong, closedAt: fill.blockTime,
            blockNumber: fill.blockNumber, logIndex: fill.logIndex, openedAt: key.openTime,
            collateral: target, notional: Int64(clamping: notional),
            entryPrice: Int64(weightedEntry / Int128(max(target, 1))), exitPrice: fill.price,
            leverage: Int64(weightedLeverage / Int128(max(target, 1))),
            grossPnL: grossPnL, openingFee: openingFee, closingFee: fill.closingFee, rolloverFee: fill.rolloverFee,
            payout: fill.payout, netPnL: net, completesPosition: completes,
            positionNetPnL: position.realizedNetPnL + net,
            payoutMismatch: abs(expectedPayout - Int128(fill.payout)) > tolerance
        )
        if !completes {
            position.realizedNetPnL += net
            positions[key] = position
        }
        return .closed(trade)
    }
}

extension Lot {
    /// Collateral × leverage, in USDC × 1e6.
    static func notional(_ collateral: Int64, _ leverage: Int64) -> Int64 {
        Int64(clamping: Int128(collateral) * Int128(leverage) / 10_000_000_000)
    }
}
