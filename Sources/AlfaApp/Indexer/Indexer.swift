import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import Synchronization

/// Follows the Avantis contracts: backfills from the checkpoint in pages, then tails the
/// head. Each page's fills, positions and checkpoint commit in one transaction (kill -9
/// at any moment loses and duplicates nothing); blocks not yet `confirmations` deep keep
/// their hashes so a reorg is detected by parent hash and rolled back to the common ancestor.
public final class Indexer: Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case reorgTooDeep(checkpoint: Int64)
        case singleBlockRefused(Int64, String)
        /// The node has no block before the first one to index.
        case startBeyondHead(firstBlock: Int64)

        public var description: String {
            switch self {
            case .reorgTooDeep(let block):
                "the chain no longer contains any block this indexer kept near block \(block): a reorg deeper than "
                    + "INDEXER_CONFIRMATIONS, or RPC_URLS points at another chain; re-index from an earlier block"
            case .singleBlockRefused(let block, let message):
                "the provider refuses eth_getLogs even for the single block \(block) (\(message)): use another endpoint"
            case .startBeyondHead(let first):
                "the node has no block \(first - 1): INDEXER_START_BLOCK is beyond its head"
            }
        }
    }

    /// What one step did.
    public enum Step: Sendable, Equatable {
        case indexed(from: Int64, to: Int64, fills: Int)
        case caughtUp(head: Int64)
        case rolledBack(to: Int64, removedFills: Int)
        case waiting(String)
    }

    let rpc: JSONRPCClient
    let pool: PostgresPool
    let repository: IndexerRepository
    let assembler: FillAssembler
    let options: Settings.Indexer
    /// Polls, retries, the lag warning and progress lines run on it.
    private let clock: ServiceClock
    let logger: Logger
    let alerts: AlertCenter
    /// Under `alfa serve`, the indexer singleton's lease: a checkpoint moves only under its epoch.
    let lease: Lease?
    private let state: Mutex<State>

    struct State {
        /// Each endpoint's own: a provider's range limit or refusals do not shrink another's pages.
        var pageSizes: [String: AdaptivePageSize] = [:]
        let firstPageSize: Int64

        mutating func pageSize(_ host: String) -> AdaptivePageSize {
            pageSizes[host, default: AdaptivePageSize(start: firstPageSize)]
        }

        mutating func update(_ host: String, _ change: (inout AdaptivePageSize) -> Void) {
            var size = pageSize(host)
            change(&size)
            pageSizes[host] = size
        }
        /// Pages being fetched at once now (a parallel backfill), for the progress line.
        var inFlight = 0
        var progress: ProgressMeter?
        var lastProgressLog: Double = -.infinity
        var lastLagWarning: Double = -.infinity
        var lastHead: Int64 = -1
        /// Kinds of raw logs already reported to the admins by this process (one alert each).
        var alertedRawKinds: Set<String> = []
    }

    public init(rpc: JSONRPCClient, pool: PostgresPool, addresses: [AvantisContract: EVMAddress],
                catalogue: AvantisEventCatalogue = .builtIn, options: Settings.Indexer,
                repository: IndexerRepository = IndexerRepository(), logger: Logger, alerts: AlertCenter? = nil,
                lease: Lease? = nil, clock: ServiceClock = .continuous) {
        self.rpc = rpc
        self.clock = clock
        self.lease = lease
        self.pool = pool
        self.repository = repository
        assembler = FillAssembler(decoder: AvantisLogDecoder(catalogue: catalogue, addresses: addresses))
        self.options = options
        self.logger = logger
        self.alerts = alerts ?? AlertCenter.logOnly(logger)
        state = Mutex(State(firstPageSize: options.page))
    }

    /// Seconds since a new head was last seen (the liveness watchdog reads it).
    /// The last head read from the node; nil before the first.
    public var lastHead: Int64? {
        state.withLock { $0.lastHead < 0 ? nil : $0.lastHead }
    }

    /// Indexes until cancelled, or through `stopBlock` when given.
    public func run(through stopBlock: Int64? = nil, fromBlock: Int64? = nil) async throws {
        var prepared = false
        while !Task.isCancelled {
            let step: Step
            do {
                if !prepared {
                    try await prepare(fromBlock: fromBlock)
                    prepared = true
                }
                step = try await self.step(through: stopBlock)
            } catch let error where Self.isTransient(error) {
                // Stopping aborts the request in flight; that is not a fault to record for /status.
                if Task.isCancelled { throw CancellationError() }
                logger.warning("indexer step failed, retrying", metadata: ["error": "\(error)"])
                await record(error: "\(error)")
                try await clock.sleep(seconds: max(options.pollSeconds, 0.5))
                continue
            }
            switch step {
            case .caughtUp(let head):
                if let stopBlock, head >= stopBlock { return }
                try await clock.sleep(seconds: options.pollSeconds)
            case .waiting(let why):
                logger.debug("indexer waiting", metadata: ["why": "\(why)"])
                try await clock.sleep(seconds: options.pollSeconds)
            case .indexed, .rolledBack:
                continue
            }
        }
    }

    /// What the indexer outlives by retrying: a node or the database away for a while (a
    /// PostgreSQL restart), or its lease taken over (it is stood down meanwhile). A wrong chain
    /// or a reorganisation deeper than the kept blocks needs an operator.
    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case RPCError.wrongChain: false
        case is RPCError, is PostgresError, is LeaseRepository.Stale: true
        default: false
        }
    }

    /// Creates the checkpoint if there is none: the block before `fromBlock`,
    /// `INDEXER_START_BLOCK`, or head − `INDEXER_BACKFILL_RANGE`.
    public func prepare(fromBlock: Int64? = nil) async throws {
        try await rpc.verifyChainIDs()
        let repository = self.repository
        if let existing = try await pool.withConnection({ try repository.checkpoint(on: $0) }) {
            if let fromBlock, fromBlock != existing.lastBlock + 1 {
                logger.notice("a checkpoint exists: resuming from it, --from-block is ignored",
                              metadata: ["checkpoint": "\(existing.lastBlock)", "from-block": "\(fromBlock)"])
            }
            return
        }
        let first: Int64
        if let start = fromBlock ?? options.startBlock {
            first = start
        } else {
            first = max(0, try await rpc.blockNumber() - options.backfillRange)
        }
        var hash = Hash32.zero
        if first > 0 {
            guard let header = try await rpc.header(first - 1) else {
                throw Failure.startBeyondHead(firstBlock: first)
            }
            hash = header.hash
        }
        let startHash = hash
        try await pool.withConnection { try repository.start(at: first - 1, hash: startHash, on: $0) }
        logger.notice("indexer starts", metadata: ["first-block": "\(first)"])
    }

    /// One round: look at the head, then index one page (several far behind), roll back a
    /// reorg, or report caught up. `IndexerStepMachine` decides; this performs its actions.
    public func step(through stopBlock: Int64? = nil) async throws -> Step {
        let repository = self.repository
        let started = ContinuousClock.now
        var machine = IndexerStepMachine(confirmations: options.confirmations, concurrency: options.concurrency,
                                         stopBlock: stopBlock)
        let checkpoint = try await pool.withConnection { try repository.checkpoint(on: $0) }
        var action = machine.start(checkpoint: checkpoint.map { .init(lastBlock: $0.lastBlock, lastBlockHash: $0.lastBlockHash) })
        var fetched: FetchedPage?
        var fills = 0, removedFills = 0
        // The endpoint the client will ask: its own page size.
        var host = ""
        while true {
            switch action {
            case .readHead:
                let head = try await rpc.blockNumber()
                await observe(head: head, checkpoint: checkpoint!.lastBlock)
                host = await rpc.currentHost()
                action = machine.headRead(head, pageSize: state.withLock { $0.pageSize(host).current })
            case .fetch(let page):
                let page = try await fetchOrSplit(page, started: started)
                guard let page else { return .waiting("range split") }
                state.withLock { $0.update(host) { $0.succeeded() } }
                fetched = page
                action = machine.pageFetched(logs: page.logBlocks, headers: page.links)
            case .backfill(let from, let through, let head):
                return try await backfill(from: from, through: through, head: head)
            case .commit(let page, let head):
                fills = try await commit(fetched!, recentFrom: page.recentFrom, head: head)
                action = machine.committed()
            case .compare(let number):
                let stored = number == checkpoint!.lastBlock
                    ? checkpoint!.lastBlockHash
                    : try await pool.withConnection { try repository.recentBlock(number, on: $0) }?.hash
                let canonical = try await rpc.header(number)
                action = machine.blockCompared(stored: stored, canonical: canonical?.link)
            case .rollBack(let ancestor, let hash):
                let lease = self.lease
                removedFills = try await pool.transaction { connection in
                    try lease?.check(on: connection)
                    return try repository.rollBack(to: ancestor, hash: hash, on: connection)
                }
                logger.warning("chain reorganisation: rolled back", metadata: [
                    "common-ancestor": "\(ancestor)", "orphaned-blocks": "\(checkpoint!.lastBlock - ancestor)",
                    "removed-fills": "\(removedFills)"])
                action = machine.rolledBack()
            case .done(let outcome):
                switch outcome {
                case .caughtUp(let head): return .caughtUp(head: head)
                case .waiting(let why): return .waiting(why)
                case .indexed(let page): return .indexed(from: page.from, to: page.to, fills: fills)
                case .rolledBack(let ancestor): return .rolledBack(to: ancestor, removedFills: removedFills)
                case .reorgTooDeep(let block): throw Failure.reorgTooDeep(checkpoint: block)
                }
            }
        }
    }

    /// The page, or nil when the provider refused its span and the page size was halved.
    private func fetchOrSplit(_ page: IndexerStepMachine.Page, started: ContinuousClock.Instant) async throws -> FetchedPage? {
        do {
            return try await fetch(page, started: started)
        } catch {
            guard case .rangeLimit(let host, let message) = error else { throw error }
            _ = try split(from: page.from, to: page.to, host: host, message: message)
            return nil
        }
    }

    /// One page as read from the node: its logs and the headers it needs.
    struct FetchedPage: Sendable {
        let from: Int64
        let to: Int64
        let logs: [RPCLog]
        let headers: [Int64: BlockHeader?]
        /// When its first request left: the page's time in the metrics.
        let started: ContinuousClock.Instant

        /// What the step machine looks at: each log's block, and how the blocks link.
        var logBlocks: [(block: Int64, hash: Hash32)] { logs.map { ($0.blockNumber, $0.blockHash) } }
        var links: [Int64: IndexerStepMachine.BlockLink?] { headers.mapValues { $0?.link } }
    }

    /// The page's logs, then the headers `Page.headersNeeded` names.
    private func fetch(_ page: IndexerStepMachine.Page, started: ContinuousClock.Instant = .now) async throws(RPCError) -> FetchedPage {
        let logs = try await rpc.logs(from: page.from, to: page.to, addresses: assembler.decoder.watchedAddresses)
        let wanted = page.headersNeeded(logBlocks: logs.map(\.blockNumber))
        return FetchedPage(from: page.from, to: page.to, logs: logs, headers: try await rpc.headers(wanted), started: started)
    }

    /// Final pages fetched `INDEXER_CONCURRENCY` at a time, committed one by one in block order,
    /// each exactly as a step would: as soon as the oldest page commits, the next one is asked
    /// for, so the requests in flight never drain between pages. A failure keeps the pages
    /// before it. A step ends after 8 windows, so the head is looked at again (the watchdog).
    private func backfill(from: Int64, through last: Int64, head: Int64) async throws -> Step {
        let window = options.concurrency
        let pageLimit = window * 8
        var fills = 0
        var through: Int64?
        var outcome: Step?
        try await withThrowingTaskGroup(of: (ClosedRange<Int64>, Result<FetchedPage, RPCError>).self) { group in
            var next = from, launched = 0, inFlight = 0
            var ready: [Int64: (ClosedRange<Int64>, Result<FetchedPage, RPCError>)] = [:]
            var host = await rpc.currentHost()
            func launch() {
                while inFlight < window, launched < pageLimit, next <= last {
                    let range = next...min(last, next + state.withLock { $0.pageSize(host).current } - 1)
                    group.addTask {
                        do throws(RPCError) {
                            let page = IndexerStepMachine.Page(from: range.lowerBound, to: range.upperBound, recentFrom: .max)
                            return (range, .success(try await self.fetch(page)))
                        } catch {
                            return (range, .failure(error))
                        }
                    }
                    next = range.upperBound + 1
                    launched += 1
                    inFlight += 1
                }
                state.withLock { $0.inFlight = inFlight }
            }
            launch()
            var commitFrom = from
            while outcome == nil, let (range, result) = try await group.next() {
                inFlight -= 1
                ready[range.lowerBound] = (range, result)
                while outcome == nil, let (range, result) = ready.removeValue(forKey: commitFrom) {
                    switch result {
                    case .success(let page):
                        state.withLock { $0.update(host) { $0.succeeded() } }
                        if let why = IndexerStepMachine.check(logs: page.logBlocks, headers: page.links) {
                            outcome = .waiting(why)
                        } else {
                            fills += try await commit(page, recentFrom: .max, head: head)
                            through = page.to
                            commitFrom = page.to + 1
                        }
                    case .failure(.rangeLimit(let host, let message)):
                        // The pages after it are asked for again, split, at the next step.
                        outcome = try split(from: range.lowerBound, to: range.upperBound, host: host, message: message)
                    case .failure(let error):
                        guard through != nil else { throw error }
                        outcome = .waiting("\(error)")
                    }
                }
                if outcome == nil {
                    host = await rpc.currentHost()
                    launch()
                }
            }
            group.cancelAll()
        }
        state.withLock { $0.inFlight = 0 }
        if let through { return .indexed(from: from, to: through, fills: fills) }
        return outcome ?? .waiting("nothing to index")
    }

    /// The provider refused the span: halve the page size, or give up on a single block.
    private func split(from: Int64, to: Int64, host: String, message: String) throws -> Step {
        let split = state.withLock { state in
            var split = false
            state.update(host) { split = $0.refused(span: to - from + 1) }
            return split
        }
        guard split else { throw Failure.singleBlockRefused(from, message) }
        logger.info("provider range limit: splitting the page", metadata: [
            "host": "\(host)", "blocks": "\(to - from + 1)", "next": "\(state.withLock { $0.pageSize(host).current })"])
        return .waiting("range split")
    }

    /// Decodes a fetched page (checked by `IndexerStepMachine`) and commits it with the
    /// checkpoint in one transaction; returns its fills.
    private func commit(_ page: FetchedPage, recentFrom: Int64, head: Int64) async throws -> Int {
        let headers = page.headers
        let blockTimes = headers.compactMapValues { $0?.timestamp }
        let assembled = assembler.assemble(page.logs, blockTimes: blockTimes)
        // One line per reason a page: after an upgrade every trade is an unknown log.
        for (reason, logs) in Dictionary(grouping: assembled.rejected, by: { "\($0.rejection)" }).sorted(by: { $0.key < $1.key }) {
            logger.warning("logs kept raw", metadata: [
                "reason": "\(reason)", "count": "\(logs.count)", "first-block": "\(logs[0].log.blockNumber)",
                "first-tx": "\(logs[0].log.transactionHash)", "first-log-index": "\(logs[0].log.logIndex)"])
        }
        let recent = recentFrom <= page.to ? (recentFrom...page.to).compactMap { headers[$0] ?? nil }.map {
            StoredBlock(number: $0.number, hash: $0.hash, parentHash: $0.parentHash, time: $0.timestamp)
        } : []
        let last = headers[page.to]!!
        let range = IndexedRange(
            fromBlock: page.from, toBlock: page.to, toBlockHash: last.hash, toBlockTime: last.timestamp, fills: assembled.fills,
            rawLogs: assembled.rejected.map { Self.rawRecord($0, blockTimes: blockTimes) }
                + assembled.companions.map { Self.companionRecord($0, blockTimes: blockTimes) },
            recentBlocks: recent)
        let keepFrom = head - options.confirmations - 1
        let lease = self.lease
        let repository = self.repository
        try await pool.transaction { connection in
            try lease?.check(on: connection)
            try repository.commit(range, keepBlocksFrom: keepFrom, on: connection)
        }
        Telemetry.shared.indexedPage(
            duration: ContinuousClock.now - page.started, fills: assembled.fills.count,
            rawLogs: Dictionary(grouping: range.rawLogs.filter { $0.reason != "companion" }, by: \.reason).mapValues(\.count))
        reportProgress(to: page.to, head: head, fills: assembled.fills.count)
        await alertOnce(about: assembled.rejected)
        return assembled.fills.count
    }

    static func rawRecord(_ rejected: RejectedLog, blockTimes: [Int64: Int64]) -> RawLogRecord {
        let log = rejected.log
        switch rejected.rejection {
        case .unknownTopic:
            // An event alfa cannot read may have changed the positions its data names.
            return record(log, blockTimes: blockTimes, reason: "unknown_topic", detail: rejected.rejection.description,
                          touches: PositionScan.references(in: log))
        case .malformed:
            return record(log, blockTimes: blockTimes, reason: "malformed", detail: rejected.rejection.description)
        }
    }

    /// A decoded log of a transaction that also holds a rejected one, kept for `alfa abi redecode`.
    static func companionRecord(_ log: RPCLog, blockTimes: [Int64: Int64]) -> RawLogRecord {
        record(log, blockTimes: blockTimes, reason: "companion", detail: "decoded; kept beside a raw log of its transaction")
    }

    private static func record(_ log: RPCLog, blockTimes: [Int64: Int64], reason: String, detail: String,
                               touches: [PositionSlot] = []) -> RawLogRecord {
        RawLogRecord(blockNumber: log.blockNumber, blockHash: log.blockHash, blockTime: blockTimes[log.blockNumber],
                     txHash: log.transactionHash, logIndex: log.logIndex, address: log.address, topics: log.topics,
                     data: log.data, reason: reason, detail: detail, touches: touches)
    }

    // MARK: Observability

    private func observe(head: Int64, checkpoint: Int64) async {
        let now = clock.seconds
        let (changed, warnLag) = state.withLock { state -> (Bool, Bool) in
            let changed = head != state.lastHead
            if changed { state.lastHead = head }
            let lagging = head - checkpoint > options.lagWarningBlocks && now - state.lastLagWarning > 60
            if lagging { state.lastLagWarning = now }
            return (changed, lagging)
        }
        if warnLag {
            logger.warning("indexer is falling behind", metadata: [
                "head": "\(head)", "indexed": "\(checkpoint)", "lag-blocks": "\(head - checkpoint)",
                "threshold": "\(options.lagWarningBlocks)"])
        }
        if changed {
            let repository = self.repository
            _ = try? await pool.withConnection { try repository.recordHead(head, on: $0) }
        }
    }

    private func reportProgress(to block: Int64, head: Int64, fills: Int) {
        let now = clock.seconds
        let line: String? = state.withLock { state in
            if state.progress == nil { state.progress = ProgressMeter(startBlock: block, startTime: now) }
            state.progress!.add(fills: fills)
            guard head - block > 1, now - state.lastProgressLog >= 5 else { return nil }
            state.lastProgressLog = now
            return state.progress!.line(current: block, target: head, now: now, inFlight: state.inFlight)
        }
        if let line { logger.info("\(line)") }
    }

    /// An unknown topic0 usually means a contract upgrade; the admins hear of each kind once.
    private func alertOnce(about rejected: [RejectedLog]) async {
        for item in rejected {
            let kind = "\(item.log.address) \(item.log.topics.first.map(String.init(describing:)) ?? "-") \(item.rejection)"
            guard state.withLock({ $0.alertedRawKinds.insert(kind).inserted }) else { continue }
            let unknown = if case .unknownTopic = item.rejection { true } else { false }
            await alerts.raise(
                .warning, unknown ? "Unknown Avantis event kept raw" : "Malformed Avantis event kept raw",
                detail: "\(item.rejection) from \(item.log.address) in block \(item.log.blockNumber), tx \(item.log.transactionHash)",
                action: "Run alfa abi inspect --verify: it names the event and prints an ABI file for AVANTIS_ABI_DIR; "
                    + "restart, then alfa abi redecode turns the logs kept raw into fills (runbook: after a contract upgrade). "
                    + "Fills from known events keep flowing.")
        }
    }

    func record(error message: String) async {
        let repository = self.repository
        do {
            try await pool.withConnection { try repository.recordError(message, on: $0) }
        } catch {
            logger.warning("could not store the indexer's last error for /status", metadata: ["error": "\(error)"])
        }
    }
}
