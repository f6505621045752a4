/// FIFO position book of one trader: opens add lots, closes consume the oldest lots first
/// and yield `ClosedTrade`s with clean PnL. Pure integer arithmetic.
public struct PositionBook: Sendable {
    public struct OpenPosition: Sendable, Equatable {
        public let key: PositionKey
        public let isLong: Bool
        /// The oldest lot, kept inline: most positions have one lot and need no heap.
        var head: Lot
        /// Younger lots (increases), oldest first.
        var tail: [Lot] = []
        /// Clean PnL realized by earlier partial closes of this position.
        public internal(set) var realizedNetPnL: Int64 = 0

        /// The lots, oldest first.
        public var lots: [Lot] { head.collateral > 0 ? [head] + tail : tail }
        public var collateral: Int64 { head.collateral + tail.reduce(0) { $0 + $1.collateral } }
        public var notional: Int64 { lots.reduce(0) { $0 + Lot.notional($1.collateral, $1.leverage) } }
        var isEmpty: Bool { head.collateral == 0 && tail.isEmpty }

        mutating func add(_ lot: Lot) {
            if head.collateral == 0 && tail.isEmpty { head = lot } else { tail.append(lot) }
        }

        /// Moves the next lot into `head` once the current one is used up.
        mutating func advance() {
            if head.collateral == 0, !tail.isEmpty { head = tail.removeFirst() }
        }
    }

    /// Positions of one trader by slot and open time (hashing the trader again is waste).
    struct SlotKey: Hashable, Sendable {
        let pairIndex: Int32
        let tradeIndex: Int32
        let openTime: Int64
        init(_ key: PositionKey) { (pairIndex, tradeIndex, openTime) = (key.pairIndex, key.tradeIndex, key.openTime) }

        func hash(into hasher: inout Hasher) {
            hasher.combine(UInt64(UInt32(bitPattern: pairIndex)) << 32 | UInt64(UInt32(bitPattern: tradeIndex)))
            hasher.combine(openTime)
        }
    }

    /// What one fill did to the book.
    public enum Outcome: Sendable, Equatable {
        case opened
        case closed(ClosedTrade)
        /// A close with no open position: history before the start block. Excluded from PnL.
        case unmatched
    }

    /// One trader's open positions.
    private var open: [SlotKey: OpenPosition] = [:]
    public private(set) var unmatchedCloses = 0
    /// Totals for invariants: collateral closed never exceeds collateral opened.
    public private(set) var openedCollateral: Int128 = 0
    public private(set) var closedCollateral: Int128 = 0

    public init() {}

    /// Nothing open.
    public var isFlat: Bool { open.isEmpty }

    /// The open positions, unordered.
    public var openPositions: some Collection<OpenPosition> { open.values }

    /// Open positions by their lifecycle key.
    public var positions: [PositionKey: OpenPosition] {
        Dictionary(uniqueKeysWithValues: open.values.map { ($0.key, $0) })
    }

    public mutating func apply(_ fill: Fill) -> Outcome {
        let key = fill.positionKey
        let slot = SlotKey(key)
        if !fill.kind.isClose {
            let lot = Lot(collateral: fill.collateral, openingFee: fill.openingFee, price: fill.price,
                          leverage: fill.leverage, openedAt: fill.blockTime)
            // A second open on a live lifecycle is an increase: a lot at its own price.
            // One dictionary operation in the usual case of a new position.
            if var existing = open.updateValue(OpenPosition(key: key, isLong: fill.isLong, head: lot), forKey: slot) {
                existing.add(lot)
                open[slot] = existing
            }
            openedCollateral += Int128(fill.collateral)
            return .opened
        }
        // Taken out of the dictionary while it changes, so its lots are not copied (copy-on-write).
        guard var position = open.removeValue(forKey: slot), position.collateral > 0 else {
            unmatchedCloses += 1
            return .unmatched
        }
        // A partial close takes what it names; every other close ends the position.
        let target = fill.kind == .partialClose ? min(fill.collateral, position.collateral) : position.collateral
        var remaining = target
        var openingFee: Int64 = 0
        var notional: Int64 = 0
        var gross: Int64 = 0
        var weightedEntry: Int128 = 0
        let firstLot = position.head
        var lotsUsed = 0
        while remaining > 0, !position.isEmpty {
            let lot = position.head
            lotsUsed += 1
            let amount = min(remaining, lot.collateral)
            let part = position.head.take(amount)
            openingFee += part.openingFee
            let partNotional = Lot.notional(amount, lot.leverage)
            notional += partNotional
            // notional × relative price move; the side decides the sign.
            let move = mulDiv(partNotional, fill.price - lot.price, max(lot.price, 1))
            gross += position.isLong ? move : -move
            weightedEntry += Int128(lot.price) * Int128(amount)
            remaining -= amount
            position.advance()
        }
        closedCollateral += Int128(target)
        let net = fill.payout - target - openingFee
        let completes = position.isEmpty
        let grossPnL = gross
        let expectedPayout = Int128(target) + Int128(gross) - Int128(fill.closingFee) - Int128(fill.rolloverFee) - Int128(fill.fundingFee)
        let tolerance = Int128(max(10_000, target / 1_000)) // 0.01 USDC or 0.1 % of the collateral
        let trade = ClosedTrade(
            pairIndex: key.pairIndex, tradeIndex: key.tradeIndex, logIndex: fill.logIndex, kind: fill.kind,
            isLong: position.isLong, completesPosition: completes,
            payoutMismatch: abs(expectedPayout - Int128(fill.payout)) > tolerance,
            closedAt: fill.blockTime, blockNumber: fill.blockNumber, openedAt: key.openTime,
            collateral: target, notional: notional,
            // One lot (the usual case) needs no weighted average.
            entryPrice: lotsUsed == 1 ? firstLot.price : Int64(weightedEntry / Int128(max(target, 1))),
            exitPrice: fill.price, grossPnL: grossPnL, openingFee: openingFee,
            closeFees: fill.closingFee + fill.rolloverFee + fill.fundingFee, funding: fill.fundingFee, payout: fill.payout, netPnL: net,
            positionNetPnL: position.realizedNetPnL + net
        )
        if !completes {
            position.realizedNetPnL += net
            open[slot] = position
        }
        return .closed(trade)
    }
}

extension Lot {
    /// Collateral × leverage, in USDC × 1e6.
    static func notional(_ collateral: Int64, _ leverage: Int64) -> Int64 {
        mulDiv(collateral, leverage, 10_000_000_000)
    }
}
