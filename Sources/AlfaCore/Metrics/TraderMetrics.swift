/// One trader's realized performance in one window. Money in USDC × 1e6; ratios as doubles.
public struct TraderMetrics: Sendable, Equatable {
    public let trader: EVMAddress
    public let window: TimeWindow
    /// Sum of the clean PnL of the closes in the window.
    public let cleanPnL: Int64
    public let grossPnL: Int64
    public let fees: Int64
    /// Close events (partial closes count each).
    public let closes: Int
    /// Positions completed in the window: one trade each, however many closes it took.
    public let trades: Int
    public let wins: Int
    /// Notional of the opens and closes in the window.
    public let volume: Int64
    /// Winning trades' PnL over losing trades' loss; nil without a losing trade.
    public let profitFactor: Double?
    /// Mean clean PnL per trade.
    public let expectancy: Int64
    /// Largest fall of the realized equity curve from a peak.
    public let maxDrawdown: Int64
    /// `maxDrawdown` over the peak collateral deployed at once.
    public let maxDrawdownPct: Double
    public let peakCollateral: Int64
    public let returnOnPeakCollateral: Double
    /// Sharpe ratio of daily clean PnL (per day, not annualized).
    public let sharpe: Double
    public let probabilisticSharpe: Double
    public let averageLeverage: Double
    public let maxLeverage: Double
    public let liquidations: Int
    public let medianHoldSeconds: Int64?
    /// Share of trades held under a minute: a follower cannot copy those.
    public let shortHoldShare: Double
    public let activeDays: Int
    public let activeWeeks: Int
    public let positiveWeeks: Int
    public let lastTradeTime: Int64?
    public let payoutMismatches: Int
    /// Past this time the window has slid over an event and the metrics must be recomputed;
    /// nil when only new fills can change them.
    public let validUntil: Int64?

    public var winRate: Double { trades > 0 ? Double(wins) / Double(trades) : 0 }
}

extension TraderMetrics {
    /// Metrics of `history` in `window` as of `asOf`. Depends only on the fills, not on the
    /// order they were applied in.
    public init(history: TraderHistory, window: TimeWindow, asOf: Int64) {
        let start = window.start(asOf: asOf) ?? Int64.min
        let closes = history.closes.slice(from: start, through: asOf, time: \.closedAt)
        let opens = history.opens.slice(from: start, through: asOf, time: \.time)

        var clean: Int64 = 0, gross: Int64 = 0, fees: Int64 = 0, volume: Int64 = 0
        var equity: Int64 = 0, peakEquity: Int64 = 0, drawdown: Int64 = 0
        var trades = 0, wins = 0, liquidations = 0, mismatches = 0, shortHolds = 0
        var winnings: Int64 = 0, losses: Int64 = 0
        var holds: [Int64] = []
        for close in closes {
            clean += close.netPnL
            gross += close.grossPnL
            fees += close.fees
            volume += close.notional
            equity += close.netPnL
            peakEquity = max(peakEquity, equity)
            drawdown = max(drawdown, peakEquity - equity)
            if close.kind == .liquidation { liquidations += 1 }
            if close.payoutMismatch { mismatches += 1 }
            guard close.completesPosition else { continue }
            trades += 1
            if close.positionNetPnL > 0 {
                wins += 1
                winnings += close.positionNetPnL
            } else {
                losses -= close.positionNetPnL
            }
            holds.append(close.holdSeconds)
            if close.holdSeconds < 60 { shortHolds += 1 }
        }
        var leverageSum: Int128 = 0, leverageMax: Int64 = 0
        for open in opens {
            volume += open.notional
            leverageSum += Int128(open.leverage)
            leverageMax = max(leverageMax, open.leverage)
        }
        let peakCollateral = Self.peakCollateral(history, from: start, through: asOf)

        // Daily and weekly clean PnL over the window's days (first to last activity for `all`).
        let firstActivity = min(opens.first?.time ?? .max, closes.first?.closedAt ?? .max)
        let lastActivity = max(opens.last?.time ?? .min, closes.last?.closedAt ?? .min)
        let firstDay = window.days.map { TimeWindow.day(of: asOf) - $0 + 1 }
            ?? (firstActivity == .max ? TimeWindow.day(of: asOf) : TimeWindow.day(of: firstActivity))
        let lastDay = window.days == nil && lastActivity != .min ? TimeWindow.day(of: lastActivity) : TimeWindow.day(of: asOf)
        var daily = [Double](repeating: 0, count: Int(max(1, lastDay - firstDay + 1)))
        var activeDays = Set<Int64>()
        var weekly: [Int64: Int64] = [:]
        for close in closes {
            let day = TimeWindow.day(of: close.closedAt)
            daily[Int(day - firstDay)] += Double(close.netPnL) / 1e6
            activeDays.insert(day)
            weekly[day >= 0 ? day / 7 : (day - 6) / 7, default: 0] += close.netPnL // epoch-aligned weeks
        }
        for open in opens { activeDays.insert(TimeWindow.day(of: open.time)) }

        let oldestEvent = min(opens.first?.time ?? .max, closes.first?.closedAt ?? .max)
        self.init(
            trader: history.trader, window: window, cleanPnL: clean, grossPnL: gross, fees: fees,
            closes: closes.count, trades: trades, wins: wins, volume: volume,
            profitFactor: losses > 0 ? Double(winnings) / Double(losses) : nil,
            expectancy: trades > 0 ? Int64(Int128(closes.filter(\.completesPosition).reduce(0) { $0 + $1.positionNetPnL }) / Int128(trades)) : 0,
            maxDrawdown: drawdown,
            maxDrawdownPct: peakCollateral > 0 ? Double(drawdown) / Double(peakCollateral) : 0,
            peakCollateral: peakCollateral,
            returnOnPeakCollateral: peakCollateral > 0 ? Double(clean) / Double(peakCollateral) : 0,
            sharpe: Statistics.sharpe(daily),
            probabilisticSharpe: Statistics.probabilisticSharpe(daily),
            averageLeverage: opens.isEmpty ? 0 : Double(leverageSum) / Double(opens.count) / 1e10,
            maxLeverage: Double(leverageMax) / 1e10,
            liquidations: liquidations,
            medianHoldSeconds: Statistics.median(holds),
            shortHoldShare: trades > 0 ? Double(shortHolds) / Double(trades) : 0,
            activeDays: activeDays.count, activeWeeks: weekly.count, positiveWeeks: weekly.values.filter { $0 > 0 }.count,
            lastTradeTime: history.lastFillTime.map { min($0, asOf) },
            payoutMismatches: mismatches,
            validUntil: window.days.flatMap { days in oldestEvent == .max ? nil : (TimeWindow.day(of: oldestEvent) + days) * 86_400 }
        )
    }

    /// The most collateral the trader had open at once inside the window.
    private static func peakCollateral(_ history: TraderHistory, from start: Int64, through asOf: Int64) -> Int64 {
        var open: Int64 = 0
        var peak: Int64 = 0
        var o = 0, c = 0
        let opens = history.opens, closes = history.closes
        while o < opens.count || c < closes.count {
            // Opens first at equal times: a position exists before it can be closed.
            let takeOpen = c == closes.count || (o < opens.count && opens[o].time <= closes[c].closedAt)
            let time = takeOpen ? opens[o].time : closes[c].closedAt
            if time > asOf { break }
            // What was already open when the window began counts too.
            if time >= start { peak = max(peak, open) }
            if takeOpen {
                open += opens[o].collateral
                o += 1
            } else {
                open -= closes[c].collateral
                c += 1
            }
            if time >= start { peak = max(peak, open) }
        }
        return peak
    }
}

extension Array {
    /// The elements whose time is in [from, through]; the array is in time order.
    func slice(from start: Int64, through end: Int64, time: (Element) -> Int64) -> ArraySlice<Element> {
        func firstIndex(after bound: Int64, inclusive: Bool) -> Int {
            var low = 0, high = count
            while low < high {
                let mid = (low + high) / 2
                let value = time(self[mid])
                if inclusive ? value < bound : value <= bound { low = mid + 1 } else { high = mid }
            }
            return low
        }
        return self[firstIndex(after: start, inclusive: true)..<firstIndex(after: end, inclusive: false)]
    }
}
