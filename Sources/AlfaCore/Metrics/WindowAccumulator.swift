/// Running totals of one window for one trader, fed events in chain order. A refresh feeds
/// only the events that arrived since the last one, so a whale's long history is not walked
/// again for every new fill. It is rebuilt from the history when its assumptions break: a
/// fill replayed out of order, `asOf` moving back, or the window's start sliding past an event.
public struct WindowAccumulator: Sendable {
    public let window: TimeWindow
    private(set) var start: Int64
    // What has been consumed from the history.
    private var opensSeen = 0
    private var closesSeen = 0
    private var rewritesSeen = 0
    private var consumedThrough = Int64.min
    // Over the whole history: collateral open right now, for the peak inside the window.
    private var openCollateral: Int64 = 0
    // Inside the window.
    private var peakCollateral: Int64 = 0
    private var clean: Int64 = 0, gross: Int64 = 0, fees: Int64 = 0, volume: Int64 = 0
    private var equity: Int64 = 0, peakEquity: Int64 = 0, drawdown: Int64 = 0
    private var closes = 0, trades = 0, wins = 0, liquidations = 0, mismatches = 0, shortHolds = 0
    private var winnings: Int64 = 0, losses: Int64 = 0
    private var positionNet: Int128 = 0
    private var holds: [Int64] = []
    private var leverageSum: Int128 = 0, leverageMax: Int64 = 0, opens = 0
    private var firstEvent = Int64.max, lastEvent = Int64.min
    /// Per day from `firstDay`: clean PnL and whether anything happened (days only grow in chain order).
    private var firstDay: Int64 = 0
    private var dayPnL: [Int64] = []
    private var dayActive: [Bool] = []
    private var weekly: [Int64: Int64] = [:]

    public init(window: TimeWindow, asOf: Int64) {
        self.window = window
        start = window.start(asOf: asOf) ?? .min
    }

    /// Brings the totals up to `history` as of `asOf`, rebuilding if they cannot be extended.
    public mutating func update(with history: TraderHistory, asOf: Int64) {
        var one = [self]
        Self.update(&one, with: history, asOf: asOf)
        self = one[0]
    }

    /// Brings several windows up to date in one walk over the new events when they have
    /// consumed the same events (the usual case), each on its own otherwise.
    public static func update(_ accumulators: inout [WindowAccumulator], with history: TraderHistory, asOf: Int64) {
        for index in accumulators.indices { accumulators[index].prepare(for: history, asOf: asOf) }
        let first = accumulators[0]
        if accumulators.allSatisfy({ $0.opensSeen == first.opensSeen && $0.closesSeen == first.closesSeen }) {
            consume(&accumulators, history, through: asOf)
        } else {
            for index in accumulators.indices {
                var one = [accumulators[index]]
                consume(&one, history, through: asOf)
                accumulators[index] = one[0]
            }
        }
    }

    /// Starts over when the totals cannot be extended: a fill replayed out of order, `asOf`
    /// moving back, or the window's start sliding past one of its events.
    private mutating func prepare(for history: TraderHistory, asOf: Int64) {
        let newStart = window.start(asOf: asOf) ?? .min
        if history.rewrites != rewritesSeen || asOf < consumedThrough || (newStart != start && firstEvent < newStart) {
            self = WindowAccumulator(window: window, asOf: asOf)
            rewritesSeen = history.rewrites
        }
        start = newStart
    }

    /// Feeds the unseen opens and closes, merged in chain order, up to `asOf`, to every
    /// accumulator (which have all seen the same events).
    private static func consume(_ accumulators: inout [WindowAccumulator], _ history: TraderHistory, through asOf: Int64) {
        let allOpens = history.opens, allCloses = history.closes
        var o = accumulators[0].opensSeen, c = accumulators[0].closesSeen
        while o < allOpens.count || c < allCloses.count {
            let takeOpen = c == allCloses.count || (o < allOpens.count && allOpens[o].chainKey < allCloses[c].chainKeyForMerge)
            let time = takeOpen ? allOpens[o].time : allCloses[c].closedAt
            if time > asOf { break }
            for index in accumulators.indices {
                if takeOpen { accumulators[index].take(allOpens[o], at: time) } else { accumulators[index].take(allCloses[c], at: time) }
            }
            if takeOpen { o += 1 } else { c += 1 }
        }
        for index in accumulators.indices {
            accumulators[index].opensSeen = o
            accumulators[index].closesSeen = c
        }
    }

    private mutating func take(_ open: TraderHistory.Open, at time: Int64) {
        consumedThrough = max(consumedThrough, time)
        let inside = time >= start
        if inside { peakCollateral = max(peakCollateral, openCollateral) }
        openCollateral += open.collateral
        if inside {
            add(open)
            peakCollateral = max(peakCollateral, openCollateral)
        }
    }

    private mutating func take(_ close: ClosedTrade, at time: Int64) {
        consumedThrough = max(consumedThrough, time)
        let inside = time >= start
        if inside { peakCollateral = max(peakCollateral, openCollateral) }
        openCollateral -= close.collateral
        if inside {
            add(close)
            peakCollateral = max(peakCollateral, openCollateral)
        }
    }

    private mutating func add(_ open: TraderHistory.Open) {
        mark(open.time, pnl: 0, isClose: false)
        volume += open.notional
        leverageSum += Int128(open.leverage)
        leverageMax = max(leverageMax, open.leverage)
        opens += 1
    }

    private mutating func add(_ close: ClosedTrade) {
        mark(close.closedAt, pnl: close.netPnL, isClose: true)
        closes += 1
        clean += close.netPnL
        gross += close.grossPnL
        fees += close.fees
        volume += close.notional
        equity += close.netPnL
        peakEquity = max(peakEquity, equity)
        drawdown = max(drawdown, peakEquity - equity)
        if close.kind == .liquidation { liquidations += 1 }
        if close.payoutMismatch { mismatches += 1 }
        guard close.completesPosition else { return }
        trades += 1
        positionNet += Int128(close.positionNetPnL)
        if close.positionNetPnL > 0 {
            wins += 1
            winnings += close.positionNetPnL
        } else {
            losses -= close.positionNetPnL
        }
        holds.append(close.holdSeconds)
        if close.holdSeconds < 60 { shortHolds += 1 }
    }

    private mutating func mark(_ time: Int64, pnl: Int64, isClose: Bool) {
        let day = TimeWindow.day(of: time)
        if dayPnL.isEmpty { firstDay = day }
        while firstDay + Int64(dayPnL.count) <= day {
            dayPnL.append(0)
            dayActive.append(false)
        }
        let index = Int(day - firstDay)
        dayPnL[index] += pnl
        dayActive[index] = true
        if isClose { weekly[Self.week(of: day), default: 0] += pnl }
        firstEvent = min(firstEvent, time)
        lastEvent = max(lastEvent, time)
    }

    private static func week(of day: Int64) -> Int64 { day >= 0 ? day / 7 : (day - 6) / 7 } // epoch-aligned weeks

    /// The metrics these totals stand for, as of `asOf`.
    public func metrics(of history: TraderHistory, asOf: Int64) -> TraderMetrics {
        // Daily series over the window's days (first to last activity for `all`).
        let today = TimeWindow.day(of: asOf)
        let seriesStart = window.days.map { today - $0 + 1 } ?? (dayPnL.isEmpty ? today : firstDay)
        let seriesEnd = window.days == nil && !dayPnL.isEmpty ? firstDay + Int64(dayPnL.count) - 1 : today
        var daily = [Double](repeating: 0, count: Int(max(1, seriesEnd - seriesStart + 1)))
        for (offset, pnl) in dayPnL.enumerated() where pnl != 0 {
            let index = Int(firstDay + Int64(offset) - seriesStart)
            if index >= 0, index < daily.count { daily[index] = Double(pnl) / 1e6 }
        }
        var closedWeeks = 0, positiveWeeks = 0
        for (_, pnl) in weekly {
            closedWeeks += 1
            if pnl > 0 { positiveWeeks += 1 }
        }
        return TraderMetrics(
            trader: history.trader, window: window, cleanPnL: clean, grossPnL: gross, fees: fees, closes: closes,
            trades: trades, wins: wins, volume: volume,
            profitFactor: losses > 0 ? Double(winnings) / Double(losses) : nil,
            expectancy: trades > 0 ? Int64(positionNet / Int128(trades)) : 0,
            maxDrawdown: drawdown,
            maxDrawdownPct: peakCollateral > 0 ? Double(drawdown) / Double(peakCollateral) : 0,
            peakCollateral: peakCollateral,
            returnOnPeakCollateral: peakCollateral > 0 ? Double(clean) / Double(peakCollateral) : 0,
            sharpe: Statistics.sharpe(daily),
            probabilisticSharpe: Statistics.probabilisticSharpe(daily),
            averageLeverage: opens > 0 ? Double(leverageSum) / Double(opens) / 1e10 : 0,
            maxLeverage: Double(leverageMax) / 1e10,
            liquidations: liquidations,
            medianHoldSeconds: Statistics.median(holds),
            shortHoldShare: trades > 0 ? Double(shortHolds) / Double(trades) : 0,
            activeDays: dayActive.lazy.filter { $0 }.count,
            activeWeeks: closedWeeks, positiveWeeks: positiveWeeks,
            lastTradeTime: history.lastFillTime.map { min($0, asOf) },
            payoutMismatches: mismatches,
            validUntil: validUntil(history)
        )
    }

    /// When these metrics stop being true without a new fill: the window's start passes its
    /// first event, or the first event stamped after `asOf` (a block time ahead of this clock)
    /// comes due. Until the latter, a cache would never count that event.
    func validUntil(_ history: TraderHistory) -> Int64? {
        let slide = window.days.flatMap { days in firstEvent == .max ? nil : (TimeWindow.day(of: firstEvent) + days) * 86_400 }
        let pendingOpen = opensSeen < history.opens.count ? history.opens[opensSeen].time : nil
        let pendingClose = closesSeen < history.closes.count ? history.closes[closesSeen].closedAt : nil
        return [slide, pendingOpen, pendingClose].compactMap { $0 }.min()
    }
}

extension ClosedTrade {
    /// The key chain order merges opens and closes by.
    var chainKeyForMerge: (Int64, Int64, Int32) { (closedAt, blockNumber, logIndex) }
}
