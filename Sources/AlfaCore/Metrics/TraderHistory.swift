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

    public init(trader: EVMAddress, keepsCloses: Bool = true) {
        self.trader = trader
        self.keepsCloses = keepsCloses
    }

    /// Makes room for `count` more fills at once, instead of growing (and copying) step by step.
    public mutating func reserveCapacity(forMoreFills count: Int) {
        guard count > 8 else { return }
        events.reserveCapacity(events.count + count)
        if keepsCloses { closes.reserveCapacity(closes.count + count / 2 + 1) }
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
        if !Self.insertInChainOrder(event, into: &events, by: MetricEvent.chainOrder) { rewrites += 1 }
    }

    /// Folds the events before `horizon` into the sealed totals once there are enough of them
    /// to be worth moving the rest (at least `minimum`, and a quarter of the events).
    public mutating func seal(before horizon: Int64, minimum: Int = 16) {
        guard let first = events.first, first.time < horizon else { return }
        var count = 0
        while count < events.count, events[count].time < horizon { count += 1 }
        guard count >= minimum || count == events.count, count * 4 >= events.count else { return }
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
