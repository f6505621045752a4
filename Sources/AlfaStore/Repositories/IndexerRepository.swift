import AlfaCore

/// Where an indexer stands: the last block whose fills are stored, and what it last saw.
public struct IndexerCheckpoint: Sendable, Equatable {
    public var lastBlock: Int64
    public var lastBlockHash: Hash32
    public var headBlock: Int64?
    public var headSeenAt: Timestamp?
    public var lastError: String?
    public var lastErrorAt: Timestamp?
}

/// A recent block's identity, kept while it can still be reorganised away.
public struct StoredBlock: Sendable, Equatable {
    public var number: Int64
    public var hash: Hash32
    public var parentHash: Hash32
    /// Unix seconds (nil where it was not read).
    public var time: Int64?

    public init(number: Int64, hash: Hash32, parentHash: Hash32, time: Int64? = nil) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.time = time
    }
}

/// A log kept raw, with why.
public struct RawLogRecord: Sendable {
    public var blockNumber: Int64
    public var blockHash: Hash32
    public var blockTime: Int64?
    public var txHash: Hash32
    public var logIndex: Int32
    public var address: EVMAddress
    public var topics: [Hash32]
    public var data: [UInt8]
    public var reason: String
    public var detail: String
    /// Open positions among these are marked uncertain (an event alfa cannot decode touched them).
    public var touches: [PositionSlot]

    public init(blockNumber: Int64, blockHash: Hash32, blockTime: Int64?, txHash: Hash32, logIndex: Int32, address: EVMAddress,
                topics: [Hash32], data: [UInt8], reason: String, detail: String, touches: [PositionSlot] = []) {
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.blockTime = blockTime
        self.txHash = txHash
        self.logIndex = logIndex
        self.address = address
        self.topics = topics
        self.data = data
        self.reason = reason
        self.detail = detail
        self.touches = touches
    }
}

/// One indexed block range, committed as a unit.
public struct IndexedRange: Sendable {
    public var fromBlock: Int64
    public var toBlock: Int64
    public var toBlockHash: Hash32
    /// Unix seconds.
    public var toBlockTime: Int64?
    public var fills: [Fill]
    public var rawLogs: [RawLogRecord]
    /// Headers of the range's blocks that are not final yet.
    public var recentBlocks: [StoredBlock]

    public init(fromBlock: Int64, toBlock: Int64, toBlockHash: Hash32, toBlockTime: Int64? = nil, fills: [Fill],
                rawLogs: [RawLogRecord], recentBlocks: [StoredBlock]) {
        self.fromBlock = fromBlock
        self.toBlock = toBlock
        self.toBlockHash = toBlockHash
        self.toBlockTime = toBlockTime
        self.fills = fills
        self.rawLogs = rawLogs
        self.recentBlocks = recentBlocks
    }
}

/// The indexer's tables: checkpoint, recent block hashes, raw logs, and the positions kept
/// current from fills. Every write runs inside the caller's transaction, so fills, the
/// positions they move and the checkpoint commit together or not at all.
public struct IndexerRepository: Sendable {
    public let name: String
    private let fills = FillRepository()

    public init(name: String = "avantis") { self.name = name }

    public enum Conflict: Error, CustomStringConvertible {
        /// Another process moved the checkpoint: two indexers are running on one database.
        case checkpointMoved(expected: Int64, found: Int64?)

        public var description: String {
            switch self {
            case .checkpointMoved(let expected, let found):
                "the indexer checkpoint moved from block \(expected) to \(found.map(String.init) ?? "nothing") under us: is another indexer running?"
            }
        }
    }

    public func checkpoint(on connection: PostgresConnection) throws -> IndexerCheckpoint? {
        let rows = try connection.query(
            "SELECT last_block, last_block_hash, head_block, head_seen_at, last_error, last_error_at FROM indexer_state WHERE name = $1",
            [name])
        guard let row = rows.first else { return nil }
        return IndexerCheckpoint(
            lastBlock: try row.decode("last_block"), lastBlockHash: try row.decode("last_block_hash", as: Hash32.self),
            headBlock: try row.optional("head_block"), headSeenAt: try row.optional("head_seen_at"),
            lastError: try row.optional("last_error"), lastErrorAt: try row.optional("last_error_at"))
    }

    /// Sets the starting point of a new indexer (the block before the first one to index).
    public func start(at block: Int64, hash: Hash32, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO indexer_state (name, last_block, last_block_hash) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            [name, block, hash])
    }

    /// Advisory-lock key of the single indexer across replicas ("alfaidx").
    public static let lockKey: Int64 = 0x0061_6c66_6169_6478

    /// The NOTIFY channel announcing newly committed fills.
    public static let fillsChannel = "alfa_fills"

    /// Stores a range's fills, raw logs, positions and block hashes, and moves the checkpoint
    /// from `fromBlock − 1` to `toBlock`. Call inside a transaction.
    public func commit(_ range: IndexedRange, keepBlocksFrom oldestRecent: Int64, on connection: PostgresConnection) throws {
        let moved = try connection.query(
            "UPDATE indexer_state SET last_block = $2, last_block_hash = $3, last_block_time = $5, updated_at = now() "
                + "WHERE name = $1 AND last_block = $4",
            [name, range.toBlock, range.toBlockHash, range.fromBlock - 1, range.toBlockTime]).affectedRows
        guard moved == 1 else {
            throw Conflict.checkpointMoved(expected: range.fromBlock - 1, found: try checkpoint(on: connection)?.lastBlock)
        }
        try fills.insert(range.fills, on: connection)
        var touched: [(id: Int64, block: Int64, position: PositionSlot)] = []
        for raw in range.rawLogs {
            let rows = try connection.query(
                "INSERT INTO raw_logs (block_number, block_hash, block_time, tx_hash, log_index, address, topic0, topics, data, reason, detail) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tx_hash, log_index) DO NOTHING RETURNING id",
                [raw.blockNumber, raw.blockHash, raw.blockTime.map { Timestamp(unixSeconds: $0) }, raw.txHash, raw.logIndex,
                 raw.address, raw.topics.first, ByteA(raw.topics.flatMap(\.bytes)), ByteA(raw.data), raw.reason, raw.detail])
            if let id = try rows.first?.decode(0, as: Int64.self) { touched += raw.touches.map { (id, raw.blockNumber, $0) } }
        }
        if !range.fills.isEmpty {
            try Self.applyPositions(where: "f.block_number BETWEEN $1 AND $2", [range.fromBlock, range.toBlock], on: connection)
            // Delivered on commit: the copy engine wakes on it instead of polling.
            try connection.notify(Self.fillsChannel, payload: String(range.toBlock))
        }
        // After this range's positions moved, so that a position it opened, touched and closed
        // counts too: one that was live at the log's block.
        for (id, block, position) in touched {
            try connection.query(
                "INSERT INTO uncertain_positions (trader, pair_index, trade_index, raw_log_id) SELECT $1, $2, $3, $4 "
                    + "WHERE EXISTS (SELECT 1 FROM trader_positions WHERE trader = $1 AND pair_index = $2 AND trade_index = $3 "
                    + "AND opened_block <= $5 AND (status = 'open' OR updated_block >= $5)) ON CONFLICT DO NOTHING",
                [position.trader, position.pairIndex, position.tradeIndex, id, block])
        }
        for block in range.recentBlocks {
            try connection.query(
                "INSERT INTO indexer_blocks (name, block_number, block_hash, parent_hash, block_time) VALUES ($1, $2, $3, $4, $5) "
                    + "ON CONFLICT (name, block_number) DO UPDATE SET block_hash = excluded.block_hash, "
                    + "parent_hash = excluded.parent_hash, block_time = excluded.block_time",
                [name, block.number, block.hash, block.parentHash, block.time])
        }
        try connection.query("DELETE FROM indexer_blocks WHERE name = $1 AND block_number < $2", [name, oldestRecent])
    }

    /// The time (unix seconds) of the newest indexed block `confirmations` deep: nothing the
    /// indexer has not seen can still appear at or before it. Nil while it is not known.
    public func confirmedChainTime(confirmations: Int64, on connection: PostgresConnection) throws -> Int64? {
        try connection.query("""
            SELECT CASE WHEN $2 = 0 THEN s.last_block_time
                        ELSE (SELECT b.block_time FROM indexer_blocks b WHERE b.name = s.name AND b.block_number = s.last_block - $2) END
            FROM indexer_state s WHERE s.name = $1
            """, [name, confirmations]).first?.optional(0)
    }

    /// The stored hash of a recent block, if it is still kept.
    public func recentBlock(_ number: Int64, on connection: PostgresConnection) throws -> StoredBlock? {
        let rows = try connection.query(
            "SELECT block_hash, parent_hash FROM indexer_blocks WHERE name = $1 AND block_number = $2", [name, number])
        guard let row = rows.first else { return nil }
        return StoredBlock(number: number, hash: try row.decode("block_hash", as: Hash32.self),
                           parentHash: try row.decode("parent_hash", as: Hash32.self))
    }

    /// Undoes everything after `ancestor` (a reorg): fills and raw logs of orphaned blocks go,
    /// the positions they touched are rebuilt from the fills that remain, the checkpoint
    /// moves back. Call inside a transaction. Returns the fills removed.
    @discardableResult
    public func rollBack(to ancestor: Int64, hash: Hash32, on connection: PostgresConnection) throws -> Int {
        try connection.query(
            "CREATE TEMP TABLE reorg_positions ON COMMIT DROP AS SELECT DISTINCT trader, pair_index, trade_index, open_time "
                + "FROM fills WHERE block_number > $1", [ancestor])
        try connection.query(
            "DELETE FROM trader_positions p USING reorg_positions r WHERE (p.trader, p.pair_index, p.trade_index, p.open_time) "
                + "= (r.trader, r.pair_index, r.trade_index, r.open_time)")
        let removed = try connection.query("DELETE FROM fills WHERE block_number > $1", [ancestor]).affectedRows
        try connection.query("DELETE FROM raw_logs WHERE block_number > $1", [ancestor])
        try connection.query("DELETE FROM indexer_blocks WHERE name = $1 AND block_number > $2", [name, ancestor])
        let affected = "EXISTS (SELECT 1 FROM reorg_positions r WHERE (f.trader, f.pair_index, f.trade_index, f.open_time) "
            + "= (r.trader, r.pair_index, r.trade_index, r.open_time))"
        try Self.applyPositions(where: affected, on: connection)
        try connection.query(
            "UPDATE indexer_state SET last_block = $2, last_block_hash = $3, updated_at = now() WHERE name = $1",
            [name, ancestor, hash])
        return removed
    }

    public func recordHead(_ head: Int64, on connection: PostgresConnection) throws {
        try connection.query("UPDATE indexer_state SET head_block = $2, head_seen_at = now() WHERE name = $1", [name, head])
    }

    /// Remembers the last error (nil clears it); `/status` and `alfa check` show it.
    public func recordError(_ message: String?, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE indexer_state SET last_error = $2, last_error_at = CASE WHEN $2::text IS NULL THEN last_error_at ELSE now() END "
                + "WHERE name = $1", [name, message])
    }

    /// Raw logs kept, by reason and topic0 (unknown topics after a contract upgrade show here).
    public func rawLogSummary(on connection: PostgresConnection) throws -> [(reason: String, topic0: Hash32?, count: Int64)] {
        try connection.query(
            "SELECT reason, topic0, count(*) AS count FROM raw_logs WHERE reason <> 'companion' GROUP BY reason, topic0 "
                + "ORDER BY count(*) DESC, reason").map { row in
            (try row.decode("reason"), try row.optional("topic0", as: Hash32.self), try row.decode("count"))
        }
    }

    // Positions from fills: opens create the lifecycle row, closes shrink or close it.
    /// Moves `trader_positions` by the fills that meet `condition` (on `fills f`): opens, then
    /// increases, then closes, the order they can happen in within one range.
    static func applyPositions(where condition: String, _ parameters: [any PostgresEncodable] = [],
                               on connection: PostgresConnection) throws {
        try connection.query(openPositions(where: condition), parameters)
        try connection.query(increasePositions(where: condition), parameters)
        try connection.query(closePositions(where: condition), parameters)
    }

    static func increasePositions(where condition: String) -> String {
        """
        UPDATE trader_positions p SET collateral = p.collateral + i.added, opening_fee = p.opening_fee + i.fee,
            updated_block = GREATEST(p.updated_block, i.last_block)
        FROM (SELECT f.trader, f.pair_index, f.trade_index, sum(f.collateral) AS added, sum(f.opening_fee) AS fee,
                     max(f.block_number) AS last_block
              FROM fills f WHERE f.kind = 'increase' AND \(condition)
              GROUP BY 1, 2, 3) i
        WHERE (p.trader, p.pair_index, p.trade_index) = (i.trader, i.pair_index, i.trade_index) AND p.status = 'open'
        """
    }

    static func openPositions(where condition: String) -> String {
        """
        INSERT INTO trader_positions (trader, pair_index, trade_index, open_time, is_long, entry_price, leverage, collateral,
                                      opening_fee, status, opened_block, updated_block)
        SELECT f.trader, f.pair_index, f.trade_index, f.open_time, f.is_long, f.price, f.leverage, f.collateral,
               f.opening_fee, 'open', f.block_number, f.block_number
        FROM fills f WHERE f.kind = 'open' AND \(condition)
        ON CONFLICT DO NOTHING
        """
    }

    static func closePositions(where condition: String) -> String {
        """
        UPDATE trader_positions p SET
            collateral = GREATEST(0, p.collateral - c.closed),
            status = CASE WHEN c.full_close THEN 'closed' ELSE p.status END,
            closed_at = CASE WHEN c.full_close THEN c.last_time ELSE p.closed_at END,
            updated_block = GREATEST(p.updated_block, c.last_block)
        FROM (SELECT f.trader, f.pair_index, f.trade_index, f.open_time, sum(f.collateral) AS closed,
                     bool_or(f.kind <> 'partial_close') AS full_close, max(f.block_number) AS last_block,
                     max(f.block_time) AS last_time
              FROM fills f WHERE f.kind NOT IN ('open', 'increase') AND \(condition)
              GROUP BY 1, 2, 3, 4) c
        WHERE (p.trader, p.pair_index, p.trade_index, p.open_time) = (c.trader, c.pair_index, c.trade_index, c.open_time)
        """
    }
}
