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
    }

    public let trader: EVMAddress
    public private(set) var book = PositionBook()
    public private(set) var opens: [Open] = []
    public private(set) var closes: [ClosedTrade] = []
    public private(set) var lastFillTime: Int64?

    public init(trader: EVMAddress) {
        self.trader = trader
    }

    /// Applies one fill of this trader. Fills of one position must come in chain order;
    /// fills of different positions may come in any order.
    public mutating func apply(_ fill: Fill) {
        lastFillTime = max(lastFillTime ?? fill.blockTime, fill.blockTime)
        switch book.apply(fill) {
        case .opened:
            Self.insertInChainOrder(Open(time: fill.blockTime, blockNumber: fill.blockNumber, logIndex: fill.logIndex,
                                         collateral: fill.collateral, notional: fill.notional, leverage: fill.leverage),
                                    into: &opens) { ($0.time, $0.blockNumber, $0.logIndex) < ($1.time, $1.blockNumber, $1.logIndex) }
        case .closed(let trade):
            Self.insertInChainOrder(trade, into: &closes, by: ClosedTrade.chainOrder)
        case .unmatched:
            break
        }
    }

    /// Appends, or inserts in place when a fill arrives out of order (a replay), so the
    /// metrics never depend on the order fills were applied in.
    private static func insertInChainOrder<T>(_ item: T, into list: inout [T], by before: (T, T) -> Bool) {
        if let last = list.last, before(item, last) {
            var low = 0
            var high = list.count
            while low < high {
                let mid = (low + high) / 2
                if before(list[mid], item) { low = mid + 1 } else { high = mid }
            }
            list.insert(item, at: low)
        } else {
            list.append(item)
        }
    }
}
