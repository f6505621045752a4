/// Everything the metrics need about one trader, built fill by fill through a FIFO book.
public struct TraderHistory: Sendable {
    /// One open, for volume and leverage.
    public struct Open: Sendable, Equatable {
        public let time: Int64
        public let blockNumber: Int64
        public let logIndex: Int32
        public let collateral: Int64
        public let notional: Int64
        public let leverage: Int64

        var chainKey: (Int64, Int64, Int32) { (time, blockNumber, logIndex) }
    }

    public let trader: EVMAddress
    public private(set) var book = PositionBook()
    public private(set) var opens: [Open] = []
    public private(set) var closes: [ClosedTrade] = []
    public private(set) var lastFillTime: Int64?
    /// Counts the fills applied: cached metrics remember the version they saw.
    public private(set) var version = 0
    /// Counts fills that landed before the end of their list (a replay out of order):
    /// running metrics built on the old order must then be rebuilt.
    public private(set) var rewrites = 0

    public init(trader: EVMAddress) {
        self.trader = trader
    }

    /// Makes room for `count` more fills at once, instead of growing (and copying) step by step.
    public mutating func reserveCapacity(forMoreFills count: Int) {
        guard count > 8 else { return }
        opens.reserveCapacity(opens.count + count / 2 + 1)
        closes.reserveCapacity(closes.count + count / 2 + 1)
    }

    /// Applies one fill of this trader. Fills of one position must come in chain order;
    /// fills of different positions may come in any order.
    public mutating func apply(_ fill: Fill) {
        version += 1
        lastFillTime = max(lastFillTime ?? fill.blockTime, fill.blockTime)
        switch book.apply(fill) {
        case .opened:
            let open = Open(time: fill.blockTime, blockNumber: fill.blockNumber, logIndex: fill.logIndex,
                            collateral: fill.collateral, notional: fill.notional, leverage: fill.leverage)
            if !Self.insertInChainOrder(open, into: &opens, by: { $0.chainKey < $1.chainKey }) { rewrites += 1 }
        case .closed(let trade):
            if !Self.insertInChainOrder(trade, into: &closes, by: ClosedTrade.chainOrder) { rewrites += 1 }
        case .unmatched:
            break
        }
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
