/// Running totals of one window for one trader, fed events in chain order. A refresh feeds
/// only the events that arrived since the last one, so a whale's long history is not walked
/// again for every new fill. It is rebuilt from the history's sealed totals when its
/// assumptions break: a fill replayed out of order, `asOf` moving back, the window's start
/// sliding past an event, or the events it had not read yet being sealed.
public struct WindowAccumulator: Sendable {
    public let window: TimeWindow
    private(set) var start: Int64
    // What has been consumed from the history: `seen` counts sealed events too.
    private(set) var seen = 0
    private var rewritesSeen = 0
    private(set) var consumedThrough = Int64.min
    // Over the whole history: collateral open right now, for the peak inside the window.
    private(set) var openCollateral: Int64 = 0
    // Inside the window.
    private var peakCollateral: Int64 = 0
    private var clean: Int64 = 0, gross: Int64 = 0, fees: Int64 = 0, volume: Int64 = 0
    private var equity: Int64 = 0, peakEquity: Int64 = 0, drawdown: Int64 = 0
    private var closes = 0, trades = 0, wins = 0, liquidations = 0, mismatches = 0, shortHolds = 0
    private var winnings: Int64 = 0, losses: Int64 = 0
    private var positionNet: Int128 = 0
    private var holds = HoldSketch()
    private var leverageSum: Int128 = 0, leverageMax: Int64 = 0, opens = 0
    private var firstEvent = Int64.max, lastEvent = Int64.min
    private var days = DailySeries()
    private var weeks = WeekTally()

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
        let first = accumulators[0].seen
        if accumulators.allSatisfy({ $0.seen == first }) {
            consume(&accumulators, history, through: asOf)
        } else {
            for index in accumulators.indices {
                var one = [accumulators[index]]
                consume(&one, history, through: asOf)
                accumulators[index] = one[0]
            }
        }
    }

    /// Starts over when the totals cannot be extended: from the sealed totals for `all`, from
    /// the collateral open at the seal for the other windows (sealed events are older than them).
    private mutating func prepare(for history: TraderHistory, asOf: Int64) {
        let newStart = window.start(asOf: asOf) ?? .min
        if history.rewrites != rewritesSeen || asOf < consumedThrough || seen < history.sealedCount
            || (newStart != start && firstEvent < newStart) {
            let sealed = history.sealedTotals
            if window == .all {
                self = sealed
            } else {
                self = WindowAccumulator(window: window, asOf: asOf)
                (seen, consumedThrough, openCollateral) = (sealed.seen, sealed.consumedThrough, sealed.openCollateral)
            }
            rewritesSeen = history.rewrites
        }
        start = newStart
    }

    /// Feeds the unseen events up to `asOf` to every accumulator (which have all seen the same).
    private static func consume(_ accumulators: inout [WindowAccumulator], _ history: TraderHistory, through asOf: Int64) {
        var next = accumulators[0].seen - history.sealedCount
        history.events.withUnsafeBufferPointer { events in
            while next < events.count, events[next].time <= asOf {
                for index in accumulators.indices { accumulators[index].take(events[next]) }
                next += 1
            }
        }
        for index in accumulators.indices { accumulators[index].seen = history.sealedCount + next }
    }

    /// Feeds sealed events to the history's sealed totals (an `all` window).
    mutating func seal(_ events: ArraySlice<MetricEvent>) {
        for event in events { take(event) }
        seen += events.count
    }

    private mutating func take(_ event: MetricEvent) {
        consumedThrough = max(consumedThrough, event.time)
        let inside = event.time >= start
        if inside { peakCollateral = max(peakCollateral, openCollateral) }
        openCollateral += event.isOpen ? event.collateral : -event.collateral
        guard inside else { return }
        peakCollateral = max(peakCollateral, openCollateral)
        mark(event)
        volume += event.notional
        if event.isOpen {
            leverageSum += Int128(event.leverage)
            leverageMax = max(leverageMax, event.leverage)
            opens += 1
            return
        }
        closes += 1
        clean += event.netPnL
        gross += event.grossPnL
        fees += event.fees
        equity += event.netPnL
        peakEquity = max(peakEquity, equity)
        drawdown = max(drawdown, peakEquity - equity)
        if event.isLiquidation { liquidations += 1 }
        if event.payoutMismatch { mismatches += 1 }
        guard event.completesPosition else { return }
        trades += 1
        positionNet += Int128(event.positionNetPnL)
        if event.positionNetPnL > 0 {
            wins += 1
            winnings += event.positionNetPnL
        } else {
            losses -= event.positionNetPnL
        }
        holds.add(Int64(event.holdSeconds))
        if event.holdSeconds < 60 { shortHolds += 1 }
    }

    private mutating func mark(_ event: MetricEvent) {
        let day = TimeWindow.day(of: event.time)
        days.mark(day: day, pnl: event.netPnL)
        if !event.isOpen { weeks.add(day: day, pnl: event.netPnL) }
        firstEvent = min(firstEvent, event.time)
        lastEvent = max(lastEvent, event.time)
    }

    /// The metrics these totals stand for, as of `asOf`.
    public func metrics(of history: TraderHistory, asOf: Int64) -> TraderMetrics {
        // Daily series over the window's days (first to last activity for `all`).
        let today = TimeWindow.day(of: asOf)
        let daily = window.days.map { days.moments(from: today - $0 + 1, through: today) }
            ?? (days.activeDays > 0 ? days.moments(from: days.firstDay, through: days.lastDay) : days.moments(from: today, through: today))
        return TraderMetrics(
            trader: history.trader, window: window, cleanPnL: clean, grossPnL: gross, fees: fees, closes: closes,
            trades: trades, wins: wins, volume: volume,
            profitFactor: losses > 0 ? Double(winnings) / Double(losses) : nil,
            expectancy: trades > 0 ? Int64(positionNet / Int128(trades)) : 0,
            maxDrawdown: drawdown,
            maxDrawdownPct: peakCollateral > 0 ? Double(drawdown) / Double(peakCollateral) : 0,
            peakCollateral: peakCollateral,
            returnOnPeakCollateral: peakCollateral > 0 ? Double(clean) / Double(peakCollateral) : 0,
            sharpe: daily.sharpe,
            probabilisticSharpe: daily.probabilisticSharpe(),
            averageLeverage: opens > 0 ? Double(leverageSum) / Double(opens) / 1e10 : 0,
            maxLeverage: Double(leverageMax) / 1e10,
            liquidations: liquidations,
            medianHoldSeconds: holds.median,
            shortHoldShare: trades > 0 ? Double(shortHolds) / Double(trades) : 0,
            activeDays: days.activeDays,
            activeWeeks: weeks.weeks, positiveWeeks: weeks.positiveWeeks,
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
        let next = seen - history.sealedCount
        let pending = next >= 0 && next < history.events.count ? history.events[next].time : nil
        return [slide, pending].compactMap { $0 }.min()
    }
}
