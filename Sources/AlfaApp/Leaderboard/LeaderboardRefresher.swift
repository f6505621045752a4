import AlfaCore
import AlfaStore
import Foundation

/// Follows the fills table and keeps the leaderboard current: new fills are applied to the
/// in-memory engine (only their traders are recomputed) and each refresh stores a snapshot.
/// If fills disappeared (a reorg rolled some back), it rebuilds from scratch.
public actor LeaderboardRefresher {
    public struct Report: Sendable {
        public let newFills: Int
        public let rebuilt: Bool
        public let traders: Int
        public let eligible: Int
        public let computeMilliseconds: Double
        public let snapshotID: Int64
    }

    private let pool: PostgresPool
    private let gates: EligibilityGates
    /// Fresh feed prices value open positions; without them (or for a pair it lacks), the pair's last fill.
    private let prices: PriceFeed?
    private let maxMarkAge: Int64
    private let fills = FillRepository()
    private let snapshots = LeaderboardRepository()
    private var engine = LeaderboardEngine()
    private var cursor: Int64 = 0
    private var applied: Int64 = 0
    /// The chain position of the last fill applied: a new fill before it arrived out of order.
    private var lastApplied: (block: Int64, logIndex: Int32) = (-1, -1)
    private var outOfOrder = false
    private static let batch = 50_000

    public init(pool: PostgresPool, gates: EligibilityGates, prices: PriceFeed? = nil, maxMarkAge: Int64 = 60) {
        self.pool = pool
        self.gates = gates
        self.prices = prices
        self.maxMarkAge = maxMarkAge
    }

    /// Applies what is new, ranks as of `asOf` (default: now) and stores the snapshot. The
    /// first refresh replays every fill in chain order. A snapshot holds every fill it applied,
    /// so it is never as of a moment before its newest fill (a server clock behind the chain's):
    /// `alfa leaderboard --as-of` on its time then ranks exactly the same fills.
    public func refresh(asOf now: Int64 = Int64(Date().timeIntervalSince1970)) async throws -> Report {
        let started = DispatchTime.now()
        var rebuilt = false
        var newFills = 0
        if applied == 0 && cursor == 0 {
            newFills = try await replayInChainOrder()
        } else {
            newFills = try await loadNewFills()
            let watermark = try await pool.withConnection { [fills] in try fills.watermark(on: $0) }
            if watermark.count != applied || watermark.maxID != cursor || outOfOrder {
                // Fills vanished, or arrived out of id or chain order (alfa abi redecode stores old
                // blocks' fills late): start over in chain order rather than guess. (A fill older
                // than the engine's sealed events is out of chain order too: `needsReplay` follows.)
                rebuilt = true
                newFills = try await replayInChainOrder()
            }
        }
        let asOf = max(now, engine.newestFillTime)
        let uncertain = try await pool.withConnection { try RawLogRepository().uncertainTraders(on: $0) }
        var marks: [Int32: Int64] = [:]
        if let prices {
            for (pair, mark) in await prices.marks(for: Set(engine.lastFillPrices.keys))
            where mark.source == .pyth && !mark.isStale(now: asOf, maxAge: maxMarkAge) {
                marks[pair] = mark.price
            }
        }
        let snapshot = engine.snapshot(asOf: asOf, gates: gates, uncertain: uncertain, marks: marks)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        let lastFill = cursor
        let id = try await pool.withConnection { [snapshots] connection in
            try snapshots.save(snapshot, lastFillID: lastFill, computeMilliseconds: milliseconds, on: connection)
        }
        return Report(newFills: newFills, rebuilt: rebuilt, traders: snapshot.traders, eligible: snapshot.eligible,
                      computeMilliseconds: milliseconds, snapshotID: id)
    }

    /// Reads fills after the cursor in batches and applies them; returns how many.
    private func loadNewFills() async throws -> Int {
        var total = 0
        while true {
            let after = cursor
            let page = try await pool.withConnection { [fills] in try fills.fills(after: after, limit: Self.batch, on: $0) }
            engine.apply(page.map(\.fill))
            total += page.count
            applied += Int64(page.count)
            for (_, fill) in page {
                let position = (fill.blockNumber, fill.logIndex)
                if position < lastApplied { outOfOrder = true } else { lastApplied = position }
            }
            if let last = page.last { cursor = last.id }
            if page.count < Self.batch { return total }
        }
    }

    /// A fresh engine from every fill in chain order, streamed from one binary COPY and
    /// built on the database worker's thread; afterwards the cursor is the newest id.
    private func replayInChainOrder() async throws -> Int {
        engine = LeaderboardEngine()   // the old engine's memory goes before the new one grows
        let replay = try await pool.withConnection { [fills] connection in
            var engine = LeaderboardEngine()
            var newest: Int64 = 0
            var position: (block: Int64, logIndex: Int32) = (-1, -1)
            let total = try fills.streamForLeaderboard(on: connection) { batch in
                engine.apply(batch.map(\.fill))
                for (id, _) in batch { newest = max(newest, id) }
                if let last = batch.last?.fill { position = (last.blockNumber, last.logIndex) }
            }
            return Replay(engine: engine, total: total, newest: newest, block: position.block, logIndex: position.logIndex)
        }
        engine = replay.engine
        (cursor, applied, lastApplied, outOfOrder) = (replay.newest, Int64(replay.total), (replay.block, replay.logIndex), false)
        return replay.total
    }

    private struct Replay: Sendable {
        let engine: LeaderboardEngine
        let total: Int
        let newest: Int64
        let block: Int64
        let logIndex: Int32
    }

    /// A one-off ranking as of a past moment, from the fills up to it; nothing is stored.
    public static func rank(asOf: Int64, pool: PostgresPool, gates: EligibilityGates) async throws -> LeaderboardSnapshot {
        var engine = try await pool.withConnection { connection in
            var engine = LeaderboardEngine()
            try FillRepository().streamForLeaderboard(upTo: asOf, on: connection) { engine.apply($0.map(\.fill)) }
            return engine
        }
        let uncertain = try await pool.withConnection { try RawLogRepository().uncertainTraders(on: $0) }
        return engine.snapshot(asOf: asOf, gates: gates, uncertain: uncertain)
    }
}
