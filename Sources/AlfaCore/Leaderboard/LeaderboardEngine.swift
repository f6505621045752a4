/// Keeps every trader's FIFO book and recent history in memory and ranks them. New fills touch
/// only their traders; a trader's metrics are recomputed only when it has new fills or a
/// window slid past one of its events, so a refresh costs what changed, not the history.
///
/// Memory follows the last `retentionDays` of activity: older events are sealed into each
/// trader's running `all` totals. Metrics are exact for any `asOf` up to
/// `retentionDays − 30` days before the newest fill, which covers a server clock behind the chain.
public struct LeaderboardEngine: Sendable {
    public static let retentionDays: Int64 = 32

    /// Traders by number, in order of first fill: one hash per fill finds a trader, and
    /// everything per trader lives in arrays.
    private var traderNumbers = TraderNumbers()
    private var histories: [TraderHistory] = []
    /// Per trader: the history version last seen, each window's running totals, and the metrics.
    private var cache: [Cached?] = []

    private struct Cached: Sendable {
        var version: Int
        var accumulators: [WindowAccumulator]
        var metrics: [TimeWindow: TraderMetrics]
    }
    public private(set) var fillsApplied = 0
    /// The newest block time applied: events older than the retention before it are sealed.
    public private(set) var newestFillTime = Int64.min
    /// Each pair's latest fill price (× 1e10) by chain position, indexed by pair: the marks' fallback.
    private var lastPrices: [PairPrice?] = []

    private struct PairPrice: Sendable {
        let block: Int64
        let logIndex: Int32
        let price: Int64
    }

    public init() {}

    public var traderCount: Int { histories.count }

    public func history(of trader: EVMAddress) -> TraderHistory? { traderNumbers.number(of: trader).map { histories[$0] } }

    /// Events kept unsealed, over every trader.
    public var retainedEvents: Int { histories.reduce(0) { $0 + $1.events.count } }

    /// A fill older than a trader's sealed events arrived (fills far out of chain order): the
    /// figures are approximate until the engine is rebuilt from fills in chain order.
    public var needsReplay: Bool { histories.contains { $0.needsReplay } }

    /// The trader's number, adding it on its first fill.
    private mutating func number(of trader: EVMAddress) -> Int {
        let (number, isNew) = traderNumbers.numberAdding(trader)
        if isNew {
            histories.append(TraderHistory(trader: trader, keepsCloses: false))
            cache.append(nil)
        }
        return number
    }

    /// Applies a fill; fills of one position must come in chain order, positions may interleave.
    public mutating func apply(_ fill: Fill) {
        histories[number(of: fill.trader)].apply(fill)
        notePrice(fill)
        newestFillTime = max(newestFillTime, fill.blockTime)
        fillsApplied += 1
    }

    /// Events before this are sealed: the retention before the newest fill (or `asOf`, if earlier), at a midnight.
    private func sealHorizon(asOf: Int64 = .max) -> Int64 {
        guard newestFillTime > .min else { return .min }
        return (TimeWindow.day(of: min(asOf, newestFillTime)) - Self.retentionDays) * 86_400
    }

    private mutating func notePrice(_ fill: Fill) {
        guard fill.price > 0, fill.pairIndex >= 0, fill.pairIndex < 1 << 16 else { return }
        let pair = Int(fill.pairIndex)
        if pair >= lastPrices.count { lastPrices.append(contentsOf: repeatElement(nil, count: pair - lastPrices.count + 1)) }
        if let last = lastPrices[pair], (last.block, last.logIndex) > (fill.blockNumber, fill.logIndex) { return }
        lastPrices[pair] = PairPrice(block: fill.blockNumber, logIndex: fill.logIndex, price: fill.price)
    }

    /// Each pair's latest fill price, × 1e10.
    public var lastFillPrices: [Int32: Int64] {
        var prices: [Int32: Int64] = [:]
        for (pair, last) in lastPrices.enumerated() { if let last { prices[Int32(pair)] = last.price } }
        return prices
    }

    /// Applies a batch trader by trader (stable, so each position keeps its chain order):
    /// one trader's book and history stay in cache while its fills are replayed, instead of
    /// every fill landing on a different trader's memory. Chunks keep the regrouped fills
    /// themselves within the processor's cache.
    public mutating func apply(_ fills: [Fill]) {
        // Under glibc's largest mmap threshold (32 MiB), so the buffer is reused from the heap
        // call after call instead of mapped afresh: fresh memory costs a page fault per 4 KiB.
        let chunk = min(fills.count, 1 << 17)
        guard chunk > 0 else { return }
        let scratch = UnsafeMutableBufferPointer<Fill>.allocate(capacity: chunk)
        defer { scratch.deallocate() }
        fills.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + chunk)
                applyGrouped(UnsafeBufferPointer(rebasing: all[start..<end]), scratch: scratch)
                start = end
            }
        }
    }

    private mutating func applyGrouped(_ fills: UnsafeBufferPointer<Fill>, scratch: UnsafeMutableBufferPointer<Fill>) {
        // Each fill's trader number; the traders touched, in order of first appearance.
        var traderOf = [Int32](repeating: 0, count: fills.count)
        var counts = [Int32](repeating: 0, count: histories.count + fills.count)
        var touched: [Int32] = []
        for index in fills.indices {
            notePrice(fills[index])
            newestFillTime = max(newestFillTime, fills[index].blockTime)
            let trader = number(of: fills[index].trader)
            traderOf[index] = Int32(trader)
            if counts[trader] == 0 { touched.append(Int32(trader)) }
            counts[trader] += 1
        }
        // Counting sort by trader: scatter the fills into trader order (independent writes the
        // processor overlaps), then replay each trader's run sequentially.
        var next = counts   // reused as each touched trader's next slot
        var offset: Int32 = 0
        for trader in touched {
            next[Int(trader)] = offset
            offset += counts[Int(trader)]
        }
        for index in fills.indices {
            let trader = Int(traderOf[index])
            (scratch.baseAddress! + Int(next[trader])).initialize(to: fills[index])
            next[trader] += 1
        }
        let horizon = sealHorizon()
        var position = 0
        for trader in touched {
            let count = Int(counts[Int(trader)])
            histories[Int(trader)].reserveCapacity(forMoreFills: count)
            for slot in position..<(position + count) { histories[Int(trader)].apply(scratch[slot]) }
            histories[Int(trader)].seal(before: horizon)
            position += count
        }
        // Fill is a plain value: nothing to release before the buffer is reused.
        _ = scratch.baseAddress!.deinitialize(count: fills.count)
        fillsApplied += fills.count
    }

    /// Metrics of one trader in every window as of `asOf`, from the cache when still valid.
    public mutating func metrics(of trader: EVMAddress, asOf: Int64) -> [TimeWindow: TraderMetrics]? {
        traderNumbers.number(of: trader).map { metrics(ofTrader: $0, asOf: asOf) }
    }

    private mutating func metrics(ofTrader index: Int, asOf: Int64) -> [TimeWindow: TraderMetrics] {
        let history = histories[index]
        if let cached = cache[index], cached.version == history.version, cached.metrics.count == TimeWindow.allCases.count,
           cached.metrics.values.allSatisfy({ $0.validUntil.map { asOf < $0 } ?? true }) {
            return cached.metrics
        }
        var cached = cache[index]
            ?? Cached(version: -1, accumulators: TimeWindow.allCases.map { WindowAccumulator(window: $0, asOf: asOf) }, metrics: [:])
        cache[index] = nil   // so the accumulators are changed in place, not copied
        WindowAccumulator.update(&cached.accumulators, with: history, asOf: asOf)
        for accumulator in cached.accumulators {
            cached.metrics[accumulator.window] = accumulator.metrics(of: history, asOf: asOf)
        }
        cached.version = history.version
        cache[index] = cached
        return cached.metrics
    }

    /// Ranks the eligible traders of every window by copyability score; `uncertain` traders'
    /// scores carry `CopyabilityScore.uncertainRecordFactor`. Open positions are valued at
    /// `marks` (fresh feed prices, × 1e10), else at their pair's latest fill.
    public mutating func snapshot(asOf: Int64, gates: EligibilityGates, uncertain: Set<EVMAddress> = [],
                                  marks: [Int32: Int64] = [:]) -> LeaderboardSnapshot {
        let prices = lastFillPrices.merging(marks) { _, feed in feed }
        let horizon = sealHorizon(asOf: asOf)
        for index in histories.indices { histories[index].seal(before: horizon) }
        var eligible: [(metrics: [TimeWindow: TraderMetrics], exposure: OpenExposure)] = []
        for index in histories.indices {
            let metrics = metrics(ofTrader: index, asOf: asOf)
            guard let thirty = metrics[.thirtyDays], gates.isEligible(thirtyDays: thirty, asOf: asOf) else { continue }
            let book = histories[index].book
            eligible.append((metrics, book.isFlat ? .none : OpenExposure(book.openPositions, marks: prices)))
        }
        var rows: [TimeWindow: [LeaderboardRow]] = [:]
        for window in TimeWindow.allCases {
            // Sort small keys, not the metrics themselves.
            let keys = eligible.indices.map { index -> (score: Double, pnl: Int64, trader: EVMAddress, index: Int) in
                let m = eligible[index].metrics[window]!
                let score = CopyabilityScore(metrics: m, asOf: asOf, activeHours: gates.activeHours, exposure: eligible[index].exposure)
                return (score.ranked(uncertain: uncertain.contains(m.trader)), m.cleanPnL, m.trader, index)
            }.sorted { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.pnl != b.pnl { return a.pnl > b.pnl }
                return a.trader < b.trader
            }
            rows[window] = keys.enumerated().map { rank, key in
                let (metrics, exposure) = eligible[key.index]
                let m = metrics[window]!
                return LeaderboardRow(rank: rank + 1, score: key.score, metrics: m, unrealized: exposure.unrealized,
                                      openRisk: exposure.openRisk(peakCollateral: m.peakCollateral))
            }
        }
        return LeaderboardSnapshot(asOf: asOf, traders: histories.count, eligible: eligible.count, rows: rows)
    }
}
