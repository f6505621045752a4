/// Everything the metrics need about one trader, built fill by fill through a FIFO book.
///
/// Its events can be sealed: events older than every window but `all` are folded into
/// running totals (`sealedTotals`) and dropped, so the leaderboard's memory follows the
/// last month of activity and the number of traders, not the length of history.
public struct TraderHistory: Sendable {
    public let trader: EVMAddress
    public private(set) var book = PositionBook()
    /// Opens and closes not sealed yet, in chain order.
    public private(set) var events: [MetricEvent] = []
    /// Every close, for a trader's own page; empty unless asked for (the leaderboard does not keep them).
    public private(set) var closes: [ClosedTrade] = []
    private let keepsCloses: Bool
    public private(set) var lastFillTime: Int64?
    /// Counts the fills applied: cached metrics remember the version they saw.
    public private(set) var version = 0
    /// Counts fills that landed before the end of their list (a replay out of order):
    /// running metrics built on the old order must then be rebuilt.
    public private(set) var rewrites = 0
    /// Events folded into `sealedTotals` and dropped from `events`.
    public var sealedCount: Int { sealedTotals.seen }
    /// The `all` window's totals over the sealed events.
    public private(set) var sealedTotals = WindowAccumulator(window: .all, asOf: .max)
    /// A fill older than the sealed events arrived: it was counted after them, out of its
    /// place, and only a replay in chain order gives exact figures again.
    public private(set) var needsReplay = false
    /// No seal can succeed until the horizon passes this time: spares the look at the events
    /// (a cache miss per trader per batch) when nothing is due.
    private var sealBlockedThrough = Int64.min

    public init(trader: EVMAddress, keepsCloses: Bool = true) {
        self.trader = trader
        self.keepsCloses = keepsCloses
    }

    /// Makes room for `count` more fills at once, instead of growing (and copying) step by step.
    public mutating func reserveCapacity(forMoreFills count: Int) {
        // Geometric, or reserving chunk after chunk would copy the list every time.
        if events.capacity < events.count + count { events.reserveCapacity(max(events.count + count, events.capacity * 2)) }
        if keepsCloses, closes.capacity < closes.count + count / 2 + 1 {
            closes.reserveCapacity(max(closes.count + count / 2 + 1, closes.capacity * 2))
        }
    }

    /// Applies one fill of this trader. Fills of one position must come in chain order;
    /// fills of different positions may come in any order.
    public mutating func apply(_ fill: Fill) {
        version += 1
        lastFillTime = max(lastFillTime ?? fill.blockTime, fill.blockTime)
        switch book.apply(fill) {
        case .opened:
            record(MetricEvent(opening: fill))
        case .closed(let trade):
            record(MetricEvent(closing: trade))
            if keepsCloses, !Self.insertInChainOrder(trade, into: &closes, by: ClosedTrade.chainOrder) { rewrites += 1 }
        case .unmatched:
            break
        }
    }

    private mutating func record(_ event: MetricEvent) {
        if sealedCount > 0, event.time < sealedTotals.consumedThrough {
            needsReplay = true
        }
        if !Self.insertInChainOrder(event, into: &events, by: MetricEvent.chainOrder) {
            rewrites += 1
            sealBlockedThrough = .min
        }
    }

    /// Folds the events before `horizon` into the sealed totals once there are enough of them
    /// to be worth moving the rest (at least `minimum`, and a quarter of the events).
    public mutating func seal(before horizon: Int64, minimum: Int = 16) {
        guard horizon > sealBlockedThrough, !events.isEmpty else { return }
        // Enough events to seal: `minimum` and a quarter of them, or all of them.
        let needed = min(events.count, max(minimum, (events.count + 3) / 4))
        guard events[needed - 1].time < horizon else {
            sealBlockedThrough = events[needed - 1].time
            return
        }
        var count = needed
        while count < events.count, events[count].time < horizon { count += 1 }
        sealedTotals.seal(events[..<count])
        events.removeFirst(count)
    }

    /// Appends, or inserts in place when a fill arrives out of order (a replay), so the
    /// metrics never depend on the order fills were applied in. False when it had to insert.
    private static func insertInChainOrder<T>(_ item: T, into list: inout [T], by before: (T, T) -> Bool) -> Bool {
        if let last = list.last, before(item, last) {
            var low = 0
            var high = list.count
            while low < high {
                let mid = (low + high) / 2
                if before(list[mid], item) { low = mid + 1 } else { high = mid }
            }
            list.insert(item, at: low)
            return false
        }
        list.append(item)
        return true
    }
}
