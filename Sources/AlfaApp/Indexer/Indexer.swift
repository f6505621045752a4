import AlfaChain
import AlfaCore
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

        public var description: String {
            switch self {
            case .reorgTooDeep(let block):
                "the chain no longer contains any block this indexer kept near block \(block): a reorg deeper than "
                    + "INDEXER_CONFIRMATIONS, or RPC_URLS points at another chain; re-index from an earlier block"
            case .singleBlockRefused(let block, let message):
                "the provider refuses eth_getLogs even for the single block \(block) (\(message)): use another endpoint"
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
    let logger: Logger
    let alerts: AlertCenter
    /// Under `alfa serve`, the indexer singleton's lease: a checkpoint moves only under its epoch.
    let lease: Lease?
    private let state: Mutex<State>

    struct State {
        var pageSize: AdaptivePageSize
        var progress: ProgressMeter?
        var lastProgressLog: Double = 0
        var lastLagWarning: Double = 0
        var lastHead: Int64 = -1
        var lastHeadChange: Double = Date().timeIntervalSince1970
        /// Kinds of raw logs already reported to the admins by this process (one alert each).
        var alertedRawKinds: Set<String> = []
    }

    public init(rpc: JSONRPCClient, pool: PostgresPool, addresses: [AvantisContract: EVMAddress],
                catalogue: AvantisEventCatalogue = .builtIn, options: Settings.Indexer,
                repository: IndexerRepository = IndexerRepository(), logger: Logger, alerts: AlertCenter? = nil,
                lease: Lease? = nil) {
        self.rpc = rpc
        self.lease = lease
        self.pool = pool
        self.repository = repository
        assembler = FillAssembler(decoder: AvantisLogDecoder(catalogue: catalogue, addresses: addresses))
        self.options = options
        self.logger = logger
        self.alerts = alerts ?? AlertCenter.logOnly(logger)
        state = Mutex(State(pageSize: AdaptivePageSize(start: options.page)))
    }

    /// Seconds since a new head was last seen (the liveness watchdog reads it).
    public var secondsSinceNewHead: Double {
        Date().timeIntervalSince1970 - state.withLock { $0.lastHeadChange }
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
                try await Task.sleep(for: .seconds(max(options.pollSeconds, 0.5)))
                continue
            }
            switch step {
            case .caughtUp(let head):
                if let stopBlock, head >= stopBlock { return }
                try await Task.sleep(for: .seconds(options.pollSeconds))
            case .waiting(let why):
                logger.debug("indexer waiting", metadata: ["why": "\(why)"])
                try await Task.sleep(for: .seconds(options.pollSeconds))
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
                throw ConfigurationLoader.Failure(description: "the node has no block \(first - 1): INDEXER_START_BLOCK is beyond its head")
            }
            hash = header.hash
        }
        let startHash = hash
        try await pool.withConnection { try repository.start(at: first - 1, hash: startHash, on: $0) }
        logger.notice("indexer starts", metadata: ["first-block": "\(first)"])
    }

    /// One round: look at the head, then index one page, roll back a reorg, or report caught up.
    public func step(through stopBlock: Int64? = nil) async throws -> Step {
        let repository = self.repository
        let started = ContinuousClock.now
        guard let checkpoint = try await pool.withConnection({ try repository.checkpoint(on: $0) }) else {
            return .waiting("no checkpoint yet")
        }
        let head = try await rpc.blockNumber()
        await observe(head: head, checkpoint: checkpoint.lastBlock)
        // A lower head than ours is a lagging endpoint, not a reorg: wait for it.
        let target = min(head, stopBlock ?? head)
        guard checkpoint.lastBlock < target else { return .caughtUp(head: head) }

        let from = checkpoint.lastBlock + 1
        let to = min(target, from + state.withLock { $0.pageSize.current } - 1)
        let finalBoundary = head - options.confirmations
        let logs: [RPCLog]
        do {
            logs = try await rpc.logs(from: from, to: to, addresses: assembler.decoder.watchedAddresses)
        } catch {
            guard case .rangeLimit(let host, let message) = error else { throw error }
            let split = state.withLock { $0.pageSize.refused(span: to - from + 1) }
            guard split else { throw Failure.singleBlockRefused(from, message) }
            logger.info("provider range limit: splitting the page", metadata: [
                "host": "\(host)", "blocks": "\(to - from + 1)", "next": "\(state.withLock { $0.pageSize.current })"])
            return .waiting("range split")
        }
        state.withLock { $0.pageSize.succeeded() }

        // Headers: every block with a log (its time), the page's last block (the checkpoint),
        // and every block not yet final (kept for reorg detection, checked against our checkpoint).
        var wanted = Set(logs.map(\.blockNumber))
        wanted.insert(to)
        let recentFrom = max(from, finalBoundary + 1)
        if recentFrom <= to { wanted.formUnion(recentFrom...to) }
        let touchesRecent = recentFrom <= to
        if touchesRecent { wanted.insert(from) }
        let headers = try await rpc.headers(wanted.sorted())
        var blockTimes: [Int64: Int64] = [:]
        for (number, header) in headers {
            guard let header else { return .waiting("the node does not serve block \(number) yet") }
            blockTimes[number] = header.timestamp
        }
        if touchesRecent, let first = headers[from] ?? nil, first.parentHash != checkpoint.lastBlockHash {
            return try await rollBack(from: checkpoint)
        }
        // The logs and headers must describe one chain: a reorg between the two calls shows here.
        for log in logs where headers[log.blockNumber]??.hash != log.blockHash {
            return .waiting("block \(log.blockNumber) changed while reading it")
        }
        if recentFrom < to {
            for number in (recentFrom + 1)...to where headers[number]??.parentHash != headers[number - 1]??.hash {
                return .waiting("blocks changed while reading them")
            }
        }

        let assembled = assembler.assemble(logs, blockTimes: blockTimes)
        // One line per reason a page: after an upgrade every trade is an unknown log.
        for (reason, logs) in Dictionary(grouping: assembled.rejected, by: { "\($0.rejection)" }).sorted(by: { $0.key < $1.key }) {
            logger.warning("logs kept raw", metadata: [
                "reason": "\(reason)", "count": "\(logs.count)", "first-block": "\(logs[0].log.blockNumber)",
                "first-tx": "\(logs[0].log.transactionHash)", "first-log-index": "\(logs[0].log.logIndex)"])
        }
        let recent = touchesRecent ? (recentFrom...to).compactMap { headers[$0] ?? nil }.map {
            StoredBlock(number: $0.number, hash: $0.hash, parentHash: $0.parentHash, time: $0.timestamp)
        } : []
        let range = IndexedRange(
            fromBlock: from, toBlock: to, toBlockHash: headers[to]!!.hash, toBlockTime: headers[to]!!.timestamp, fills: assembled.fills,
            rawLogs: assembled.rejected.map { Self.rawRecord($0, blockTimes: blockTimes) }
                + assembled.companions.map { Self.companionRecord($0, blockTimes: blockTimes) },
            recentBlocks: recent)
        let keepFrom = finalBoundary - 1
        let lease = self.lease
        try await pool.transaction { connection in
            try lease?.check(on: connection)
            try repository.commit(range, keepBlocksFrom: keepFrom, on: connection)
        }
        let elapsed = ContinuousClock.now - started
        Telemetry.shared.indexedPage(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, fills: assembled.fills.count,
            rawLogs: Dictionary(grouping: range.rawLogs.filter { $0.reason != "companion" }, by: \.reason).mapValues(\.count))
        reportProgress(to: to, head: head, fills: assembled.fills.count)
        await alertOnce(about: assembled.rejected)
        return .indexed(from: from, to: to, fills: assembled.fills.count)
    }

    /// Walks back from the checkpoint to the newest block whose stored hash the chain still
    /// has, and undoes everything after it.
    private func rollBack(from checkpoint: IndexerCheckpoint) async throws -> Step {
        let repository = self.repository
        var number = checkpoint.lastBlock
        while true {
            let stored: Hash32?
            if number == checkpoint.lastBlock {
                stored = checkpoint.lastBlockHash
            } else {
                let block = number
                stored = try await pool.withConnection { try repository.recentBlock(block, on: $0) }?.hash
            }
            guard let stored else { throw Failure.reorgTooDeep(checkpoint: checkpoint.lastBlock) }
            guard let canonical = try await rpc.header(number) else {
                return .waiting("the node does not serve block \(number): lagging, not reorganised")
            }
            if canonical.hash == stored {
                let ancestor = number
                let lease = self.lease
                let removed = try await pool.transaction { connection in
                    try lease?.check(on: connection)
                    return try repository.rollBack(to: ancestor, hash: stored, on: connection)
                }
                logger.warning("chain reorganisation: rolled back", metadata: [
                    "common-ancestor": "\(ancestor)", "orphaned-blocks": "\(checkpoint.lastBlock - ancestor)",
                    "removed-fills": "\(removed)"])
                return .rolledBack(to: ancestor, removedFills: removed)
            }
            number -= 1
        }
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
        let now = Date().timeIntervalSince1970
        let (changed, warnLag) = state.withLock { state -> (Bool, Bool) in
            let changed = head != state.lastHead
            if changed {
                state.lastHead = head
                state.lastHeadChange = now
            }
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
        let now = Date().timeIntervalSince1970
        let line: String? = state.withLock { state in
            if state.progress == nil { state.progress = ProgressMeter(startBlock: block, startTime: now) }
            state.progress!.add(fills: fills)
            guard head - block > 1, now - state.lastProgressLog >= 5 else { return nil }
            state.lastProgressLog = now
            return state.progress!.line(current: block, target: head, now: now)
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
