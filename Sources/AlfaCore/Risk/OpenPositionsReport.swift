/// The copy account's open positions valued at their marks, for `/copy pnl`: each position
/// with its mark (source and age), unrealized PnL and liquidation, and the totals. Closing
/// fees are not estimated here (the pair's rate is not known): PnL is before them.
public struct OpenPositionsReport: Sendable {
    public struct Line: Sendable, Equatable {
        public let position: MirroredPosition
        public let mark: Mark?
        public let valuation: PositionValuation?
    }

    public let lines: [Line]
    /// Of the positions with a mark that is not stale; USDC × 1e6.
    public let unrealized: Int64
    /// Positions valued at a stale mark, or with none: left out of `unrealized`.
    public let unvalued: Int
    let names: PairCatalogue
    let now: Int64
    let maxAge: Int64

    public init(_ positions: [MirroredPosition], marks: [Int32: Mark], names: PairCatalogue = .builtIn, now: Int64, maxAge: Int64) {
        lines = positions.sorted { $0.openOrderID < $1.openOrderID }.map { position in
            let mark = marks[position.pairIndex]
            let valuation = mark.map {
                PositionValuation(.init(isLong: position.isLong, openPrice: position.entryPrice, collateral: position.remainingCollateral,
                                        leverage: position.leverage), mark: $0.price)
            }
            return Line(position: position, mark: mark, valuation: valuation)
        }
        let fresh = lines.filter { $0.mark.map { !$0.isStale(now: now, maxAge: maxAge) } ?? false }
        unrealized = fresh.reduce(0) { $0 + ($1.valuation?.gross ?? 0) }
        unvalued = lines.count - fresh.count
        self.names = names
        self.now = now
        self.maxAge = maxAge
    }

    /// Telegram HTML: totals, then one line per position.
    public func html(realized: Int64) -> String {
        guard !lines.isEmpty else { return "<b>Open positions</b>: none" }
        var out = ["<b>Open positions</b>: \(lines.count) · unrealized \(FixedPoint.display(unrealized, signed: true)) USDC before closing fees"
            + (unvalued > 0 ? " (\(unvalued) without a fresh mark left out)" : "")
            + " · equity PnL \(FixedPoint.display(realized + unrealized, signed: true)) USDC"]
        for line in lines {
            let position = line.position
            let head = TelegramHTML.escape(position.summary(names: names))
                + " · entry \(FixedPoint.display(position.entryPrice, scale: FixedPoint.priceScale))"
            guard let mark = line.mark, let value = line.valuation else {
                out.append(head + " · no mark")
                continue
            }
            out.append(head + " · mark \(mark.describe(now: now, maxAge: maxAge))"
                + " · PnL \(FixedPoint.display(value.gross, signed: true))"
                + " · liquidation \(FixedPoint.display(value.liquidationPrice, scale: FixedPoint.priceScale))"
                + " (\(FixedPoint.display(value.liquidationDistanceBps, scale: 2, decimals: 1)) % away)")
        }
        return out.joined(separator: "\n")
    }
}

extension OpenPositionsReport: Equatable {
    public static func == (a: OpenPositionsReport, b: OpenPositionsReport) -> Bool {
        a.lines == b.lines && a.unrealized == b.unrealized && a.unvalued == b.unvalued && a.now == b.now && a.maxAge == b.maxAge
    }
}
