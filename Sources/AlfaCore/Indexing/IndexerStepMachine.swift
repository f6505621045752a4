/// One step of the indexer, as decisions only: it is told the checkpoint, the head, a page's
/// logs and headers, the blocks it asked about, and answers with what to do next. The
/// indexer performs each action (RPC, database) and feeds the result back, until the step
/// ends (`Action.done`). Nothing here waits, reads or writes, so every path is table-tested.
///
/// The rules it holds:
/// - a head lower than the checkpoint is an endpoint lagging, not a reorg: caught up;
/// - far behind, on final blocks only (`confirmations` deep), several pages are fetched at once;
/// - blocks not yet final keep their hashes; the first one's parent must be the checkpoint's
///   hash, or the chain reorganised under us and the step walks back to the common ancestor;
/// - a page is committed only when its headers and logs describe one chain; otherwise the step
///   waits and the page is read again.
public struct IndexerStepMachine: Sendable {
    public struct Checkpoint: Sendable, Equatable {
        public var lastBlock: Int64
        public var lastBlockHash: Hash32

        public init(lastBlock: Int64, lastBlockHash: Hash32) {
            self.lastBlock = lastBlock
            self.lastBlockHash = lastBlockHash
        }
    }

    /// A block as the chain links it.
    public struct BlockLink: Sendable, Equatable {
        public var number: Int64
        public var hash: Hash32
        public var parentHash: Hash32

        public init(number: Int64, hash: Hash32, parentHash: Hash32) {
            self.number = number
            self.hash = hash
            self.parentHash = parentHash
        }
    }

    /// The blocks of one page: logs from `from` through `to`; blocks from `recentFrom` on are
    /// not final, so their headers are kept (and `from`'s is checked against the checkpoint).
    public struct Page: Sendable, Equatable {
        public var from: Int64
        public var to: Int64
        public var recentFrom: Int64

        public init(from: Int64, to: Int64, recentFrom: Int64) {
            self.from = from
            self.to = to
            self.recentFrom = recentFrom
        }

        /// Whether some of its blocks are recent (their hashes kept).
        public var hasRecentBlocks: Bool { recentFrom <= to }

        /// The headers the page needs: every block with a log (its time), its last block (the
        /// checkpoint's hash), and every recent block with the first block of the page.
        public func headersNeeded(logBlocks: some Sequence<Int64>) -> [Int64] {
            var wanted = Set(logBlocks)
            wanted.insert(to)
            if hasRecentBlocks {
                wanted.formUnion(recentFrom...to)
                wanted.insert(from)
            }
            return wanted.sorted()
        }
    }

    public enum Action: Sendable, Equatable {
        /// Read the head (`eth_blockNumber`), then call `headRead`.
        case readHead
        /// Fetch one page's logs and `Page.headersNeeded`, then call `pageFetched`.
        case fetch(Page)
        /// Fetch final pages from `from` through `through`, several at once, committing each
        /// after `IndexerStepMachine.check` passes, in block order.
        case backfill(from: Int64, through: Int64, head: Int64)
        /// Commit the page with the checkpoint in one transaction; the step then ends as indexed.
        case commit(Page, head: Int64)
        /// Compare block `number`: read its stored hash and the chain's header, then call `blockCompared`.
        case compare(block: Int64)
        /// Undo everything after block `to` (whose hash is `hash`); the step then ends as rolled back.
        case rollBack(to: Int64, hash: Hash32)
        /// The step is over.
        case done(Outcome)
    }

    public enum Outcome: Sendable, Equatable {
        case caughtUp(head: Int64)
        /// Nothing was committed; try again after the poll interval.
        case waiting(String)
        /// The page was committed (the indexer counts its fills).
        case indexed(Page)
        case rolledBack(to: Int64)
        /// Not a step's to retry: the stored blocks all left the chain.
        case reorgTooDeep(checkpoint: Int64)
    }

    public let confirmations: Int64
    public let concurrency: Int
    public let stopBlock: Int64?
    private var state: State

    private enum State: Sendable, Equatable {
        case initial
        case readingHead(Checkpoint)
        case fetching(Checkpoint, Page, head: Int64)
        case committing(Page)
        case walkingBack(Checkpoint, block: Int64)
        case rollingBack(to: Int64)
        case finished
    }

    public init(confirmations: Int64, concurrency: Int, stopBlock: Int64? = nil) {
        self.confirmations = confirmations
        self.concurrency = concurrency
        self.stopBlock = stopBlock
        state = .initial
    }

    /// The step begins with the stored checkpoint (nil before the indexer's first start).
    public mutating func start(checkpoint: Checkpoint?) -> Action {
        precondition(state == .initial, "a step starts once")
        guard let checkpoint else { return finish(.waiting("no checkpoint yet")) }
        state = .readingHead(checkpoint)
        return .readHead
    }

    /// The head as the endpoint sees it, and the page size it takes now.
    public mutating func headRead(_ head: Int64, pageSize: Int64) -> Action {
        guard case .readingHead(let checkpoint) = state else { preconditionFailure("headRead in \(state)") }
        let target = min(head, stopBlock ?? head)
        guard checkpoint.lastBlock < target else { return finish(.caughtUp(head: head)) }
        let from = checkpoint.lastBlock + 1
        let finalBoundary = head - confirmations
        if concurrency > 1, min(target, finalBoundary) - from + 1 > pageSize {
            state = .finished
            return .backfill(from: from, through: min(target, finalBoundary), head: head)
        }
        let page = Page(from: from, to: min(target, from + pageSize - 1), recentFrom: max(from, finalBoundary + 1))
        state = .fetching(checkpoint, page, head: head)
        return .fetch(page)
    }

    /// A fetched page: the blocks of its logs, with each log's block hash, and the headers asked
    /// for (nil: the node does not serve that block yet).
    public mutating func pageFetched(logs: [(block: Int64, hash: Hash32)], headers: [Int64: BlockLink?]) -> Action {
        guard case .fetching(let checkpoint, let page, let head) = state else { preconditionFailure("pageFetched in \(state)") }
        for number in headers.keys.sorted() where headers[number]! == nil {
            return finish(.waiting("the node does not serve block \(number) yet"))
        }
        if page.hasRecentBlocks, let first = headers[page.from] ?? nil, first.parentHash != checkpoint.lastBlockHash {
            state = .walkingBack(checkpoint, block: checkpoint.lastBlock)
            return .compare(block: checkpoint.lastBlock)
        }
        if page.recentFrom < page.to {
            for number in (page.recentFrom + 1)...page.to where headers[number]??.parentHash != headers[number - 1]??.hash {
                return finish(.waiting("blocks changed while reading them"))
            }
        }
        if let why = Self.check(logs: logs, headers: headers) { return finish(.waiting(why)) }
        state = .committing(page)
        return .commit(page, head: head)
    }

    /// Why a page cannot be committed as read, or nil: its logs and headers must describe one
    /// chain (a reorg between the two requests shows here). Backfill pages are checked alike.
    public static func check(logs: [(block: Int64, hash: Hash32)], headers: [Int64: BlockLink?]) -> String? {
        for number in headers.keys.sorted() where headers[number]! == nil {
            return "the node does not serve block \(number) yet"
        }
        for log in logs where headers[log.block]??.hash != log.hash {
            return "block \(log.block) changed while reading it"
        }
        return nil
    }

    /// The commit succeeded.
    public mutating func committed() -> Action {
        guard case .committing(let page) = state else { preconditionFailure("committed in \(state)") }
        return finish(.indexed(page))
    }

    /// Block `number`'s hash as stored (nil: no longer kept) and as the chain has it (nil: the
    /// node does not serve it).
    public mutating func blockCompared(stored: Hash32?, canonical: BlockLink?) -> Action {
        guard case .walkingBack(let checkpoint, let number) = state else { preconditionFailure("blockCompared in \(state)") }
        guard let stored else { return finish(.reorgTooDeep(checkpoint: checkpoint.lastBlock)) }
        guard let canonical else { return finish(.waiting("the node does not serve block \(number): lagging, not reorganised")) }
        if canonical.hash == stored {
            state = .rollingBack(to: number)
            return .rollBack(to: number, hash: stored)
        }
        state = .walkingBack(checkpoint, block: number - 1)
        return .compare(block: number - 1)
    }

    /// The rollback committed.
    public mutating func rolledBack() -> Action {
        guard case .rollingBack(let ancestor) = state else { preconditionFailure("rolledBack in \(state)") }
        return finish(.rolledBack(to: ancestor))
    }

    private mutating func finish(_ outcome: Outcome) -> Action {
        state = .finished
        return .done(outcome)
    }
}
