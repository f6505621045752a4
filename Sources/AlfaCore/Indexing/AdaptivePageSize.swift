/// How many blocks to ask `eth_getLogs` for. Starts at `INDEXER_PAGE`; a provider's range
/// or result limit halves it (below the refused span), and a run of successes doubles it
/// again, back up to the start size.
public struct AdaptivePageSize: Sendable, Equatable {
    public let maximum: Int64
    public private(set) var current: Int64
    private var successes = 0
    /// Successes in a row before growing again.
    public let successesBeforeGrowth: Int

    public init(start: Int64, successesBeforeGrowth: Int = 3) {
        precondition(start > 0)
        maximum = start
        current = start
        self.successesBeforeGrowth = successesBeforeGrowth
    }

    /// The provider refused a request spanning `span` blocks. Returns false when a single
    /// block is already refused: splitting cannot help.
    public mutating func refused(span: Int64) -> Bool {
        successes = 0
        guard span > 1 else { return false }
        current = max(1, min(current, span / 2))
        return true
    }

    public mutating func succeeded() {
        guard current < maximum else { return }
        successes += 1
        if successes >= successesBeforeGrowth {
            successes = 0
            current = min(maximum, current * 2)
        }
    }
}
