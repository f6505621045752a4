/// Keeps every trader's FIFO book and recent history in memory and ranks them. New fills touch
/// only their traders; a trader's metrics are recomputed only when it has new fills or a
/// window slid past one of its events, so a refresh costs what changed, not the history.
///
/// Memory follows the last `retentionDays` of activity: older events are sealed into each
/// trader's running `all` totals. Metrics are exact for any `asOf` up to
/// `retentionDays − 30` days before the newest fill, which covers a server clock behind the chain.
public struct LeaderboardEngine: Sendable {
    public static let retentionDays: Int64 = 32

    private var histories: [EVMAddress: TraderHistory] = [:]
    /// Per trader: the history version last seen, each window's running totals, and the metrics.
    private var cache: [EVMAddress: Cached] = [:]

    private struct Cached: Sendable {
        var version: Int
        var accumulators: [WindowAccumulator]
        var metrics: [TimeWindow: TraderMetrics]
    }
    public private(set) var fillsApplied = 0
    /// The newest block time applied: events older than the retention before it are sealed.
    public private(set) var newestFillTime = Int64.min
    /// Each pair's latest fill price (× 1e10) by chain position: the marks' fallback.
    private var lastPrices: [Int32: (block: Int64, logIndex: Int32, price: Int64)] = [:]

    public init() {}

    public var traderCount: Int { histories.count }

    public func history(of trader: EVMAddress) -> TraderHistory? { histories[trader] }

    /// Events kept unsealed, over every trader.
    public var retainedEvents: Int { histories.values.reduce(0) { $0 + $1.events.count } }

    /// A fill older than a trader's sealed events arrived (fills far out of chain order): the
    /// figures are approximate until the engine is rebuilt from fills in chain order.
    public var needsReplay: Bool { histories.values.contains { $0.needsReplay } }

    /// Applies a fill; fills of one position must come in chain order, positions may interleave.
    public mutating func apply(_ fill: Fill) {
        histories[fill.trader, default: TraderHistory(trader: fill.trader, keepsCloses: false)].apply(fill)
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
        guard fill.price > 0 else { return }
        if let last = lastPrices[fill.pairIndex], (last.block, last.logIndex) > (fill.blockNumber, fill.logIndex) { return }
        lastPrices[fill.pairIndex] = (fill.blockNumber, fill.logIndex, fill.price)
    }

    /// Each pair's latest fill price, × 1e10.
    public var lastFillPrices: [Int32: Int64] { lastPrices.mapValues(\.price) }

    /// Applies a batch trader by trader (stable, so each position keeps its chain order):
    /// one trader's book and history stay in cache while its fills are replayed, instead of
    /// every fill landing on a different trader's memory. Chunks keep the regrouped fills
    /// themselves within the processor's cache.
    public mutating func apply(_ fills: [Fill]) {
        let chunk = min(fills.count, 1 << 18)
        guard chunk > 0 else { return }
        // One scratch buffer for every chunk: fresh memory costs a page fault per 4 KiB.
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
        var groupOf: [EVMAddress: Int32] = [:]
        var traders: [EVMAddress] = []
        var group = [Int32](repeating: 0, count: fills.count)
        for index in fills.indices {
            notePrice(fills[index])
            newestFillTime = max(newestFillTime, fills[index].blockTime)
            let trader = fills[index].trader
            if let known = groupOf[trader] {
                group[index] = known
            } else {
                group[index] = Int32(traders.count)
                groupOf[trader] = Int32(traders.count)
                traders.append(trader)
            }
        }
        // Counting sort by group: scatter the fills into trader order (independent writes the
        // processor overlaps), then replay each trader's run sequentially.
        var start = [Int](repeating: 0, count: traders.count + 1)
        for g in group { start[Int(g) + 1] += 1 }
        for g in traders.indices { start[g + 1] += start[g] }
        var next = start
        for index in fills.indices {
            let g = Int(group[index])
            (scratch.baseAddress! + next[g]).initialize(to: fills[index])
            next[g] += 1
        }
        let horizon = sealHorizon()
        for (g, trader) in traders.enumerated() {
            var history = histories.removeValue(forKey: trader) ?? TraderHistory(trader: trader, keepsCloses: false)
            history.reserveCapacity(forMoreFills: start[g + 1] - start[g])
            for position in start[g]..<start[g + 1] { history.apply(scratch[position]) }
            history.seal(before: horizon)
            histories[trader] = history
        }
        // Fill is a plain value: nothing to release before the buffer is reused.
        _ = scratch.baseAddress!.deinitialize(count: fills.count)
        fillsApplied += fills.count
    }

    /// Metrics of one trader in every window as of `asOf`, from the cache when still valid.
    public mutating func metrics(of trader: EVMAddress, asOf: Int64) -> [TimeWindow: TraderMetrics]? {
        guard let history = histories[trader] else { return nil }
        if let index = cache.index(forKey: trader), cache.values[index].version == history.version,
           cache.values[index].metrics.count == TimeWindow.allCases.count,
           cache.values[index].metrics.values.allSatisfy({ $0.validUntil.map { asOf < $0 } ?? true }) {
            return cache.values[index].metrics
        }
        var cached = cache.removeValue(forKey: trader)
            ?? Cached(version: -1, accumulators: TimeWindow.allCases.map { WindowAccumulator(window: $0, asOf: asOf) }, metrics: [:])
        defer { cache[trader] = cached }
        if cached.version == history.version, cached.metrics.count == TimeWindow.allCases.count,
           cached.metrics.values.allSatisfy({ $0.validUntil.map { asOf < $0 } ?? true }) {
            return cached.metrics
        }
        WindowAccumulator.update(&cached.accumulators, with: history, asOf: asOf)
        for accumulator in cached.accumulators {
            cached.metrics[accumulator.window] = accumulator.metrics(of: history, asOf: asOf)
        }
        cached.version = history.version
        return cached.metrics
    }

    /// Ranks the eligible traders of every window by copyability score; `uncertain` traders'
    /// scores carry `CopyabilityScore.uncertainRecordFactor`. Open positions are valued at
    /// `marks` (fresh feed prices, × 1e10), else at their pair's latest fill.
    public mutating func snapshot(asOf: Int64, gates: EligibilityGates, uncertain: Set<EVMAddress> = [],
                                  marks: [Int32: Int64] = [:]) -> LeaderboardSnapshot {
        let prices = lastFillPrices.merging(marks) { _, feed in feed }
        let horizon = sealHorizon(asOf: asOf)
        for index in histories.indices { histories.values[index].seal(before: horizon) }
        var eligible: [(metrics: [TimeWindow: TraderMetrics], exposure: OpenExposure)] = []
        for trader in histories.keys {
            guard let metrics = metrics(of: trader, asOf: asOf), let thirty = metrics[.thirtyDays],
                  gates.isEligible(thirtyDays: thirty, asOf: asOf)
            else { continue }
            let book = histories[trader]!.book
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
