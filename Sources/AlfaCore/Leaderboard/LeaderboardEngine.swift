/// Keeps every trader's FIFO book and history in memory and ranks them. New fills touch
/// only their traders; a trader's metrics are recomputed only when it has new fills or a
/// window slid past one of its events, so a refresh costs what changed, not the history.
public struct LeaderboardEngine: Sendable {
    private var histories: [EVMAddress: TraderHistory] = [:]
    private var cache: [EVMAddress: [TimeWindow: TraderMetrics]] = [:]
    private var dirty: Set<EVMAddress> = []
    public private(set) var fillsApplied = 0

    public init() {}

    public var traderCount: Int { histories.count }

    public func history(of trader: EVMAddress) -> TraderHistory? { histories[trader] }

    /// Applies fills in chain order (per position; positions may interleave freely).
    public mutating func apply(_ fills: some Sequence<Fill>) {
        for fill in fills {
            histories[fill.trader, default: TraderHistory(trader: fill.trader)].apply(fill)
            dirty.insert(fill.trader)
            fillsApplied += 1
        }
    }

    /// Metrics of one trader in every window as of `asOf`, from the cache when still valid.
    public mutating func metrics(of trader: EVMAddress, asOf: Int64) -> [TimeWindow: TraderMetrics]? {
        guard let history = histories[trader] else { return nil }
        if !dirty.contains(trader), let cached = cache[trader],
           cached.values.allSatisfy({ $0.validUntil.map { asOf < $0 } ?? true }) {
            return cached
        }
        var computed: [TimeWindow: TraderMetrics] = [:]
        for window in TimeWindow.allCases {
            computed[window] = TraderMetrics(history: history, window: window, asOf: asOf)
        }
        cache[trader] = computed
        dirty.remove(trader)
        return computed
    }

    /// Ranks the eligible traders of every window by copyability score.
    public mutating func snapshot(asOf: Int64, gates: EligibilityGates) -> LeaderboardSnapshot {
        var candidates: [TimeWindow: [(score: Double, metrics: TraderMetrics)]] = [:]
        var eligible = 0
        for trader in histories.keys {
            guard let metrics = metrics(of: trader, asOf: asOf), let thirty = metrics[.thirtyDays],
                  gates.reasons(thirtyDays: thirty, asOf: asOf).isEmpty
            else { continue }
            eligible += 1
            for (window, windowMetrics) in metrics {
                let score = CopyabilityScore(metrics: windowMetrics, asOf: asOf, activeHours: gates.activeHours).value
                candidates[window, default: []].append((score, windowMetrics))
            }
        }
        var rows: [TimeWindow: [LeaderboardRow]] = [:]
        for window in TimeWindow.allCases {
            let ranked = (candidates[window] ?? []).sorted { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.metrics.cleanPnL != b.metrics.cleanPnL { return a.metrics.cleanPnL > b.metrics.cleanPnL }
                return a.metrics.trader < b.metrics.trader
            }
            rows[window] = ranked.enumerated().map { LeaderboardRow(rank: $0.offset + 1, score: $0.element.score, metrics: $0.element.metrics) }
        }
        return LeaderboardSnapshot(asOf: asOf, traders: histories.count, eligible: eligible, rows: rows)
    }
}
