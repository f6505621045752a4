import AlfaCore

/// A row of `raw_logs`, as `alfa abi redecode` reads it back.
public struct StoredRawLog: Sendable {
    public var id: Int64
    public var blockNumber: Int64
    public var blockHash: Hash32
    public var blockTime: Int64?
    public var txHash: Hash32
    public var logIndex: Int32
    public var address: EVMAddress
    public var topics: [Hash32]
    public var data: [UInt8]
    public var reason: String

    public init(id: Int64, blockNumber: Int64, blockHash: Hash32, blockTime: Int64?, txHash: Hash32, logIndex: Int32,
                address: EVMAddress, topics: [Hash32], data: [UInt8], reason: String) {
        self.id = id
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.blockTime = blockTime
        self.txHash = txHash
        self.logIndex = logIndex
        self.address = address
        self.topics = topics
        self.data = data
        self.reason = reason
    }

    /// A companion decoded when it was indexed: it is read again for its transaction's fees, never re-filled.
    public var isCompanion: Bool { reason == "companion" }
}

/// Reads stored raw logs back and, once a catalogue decodes them, turns them into fills in
/// place: the fills inserted, the raw rows gone, the positions they touch rebuilt from every
/// fill of their slots. Exactly once: a decoded raw row is deleted in the transaction that
/// stores its fills, and `fills (tx_hash, log_index)` is unique.
public struct RawLogRepository: Sendable {
    private let fills = FillRepository()

    public init() {}

    /// A position an event alfa cannot decode yet has changed.
    public struct UncertainPosition: Sendable, Equatable {
        public var pairIndex: Int32
        public var tradeIndex: Int32
        public var topic0: Hash32?
        public var blockNumber: Int64
    }

    /// Traders with at least one uncertain position: the leaderboard discounts their score.
    public func uncertainTraders(on connection: PostgresConnection) throws -> Set<EVMAddress> {
        Set(try connection.query("SELECT DISTINCT trader FROM uncertain_positions").map { try $0.decode(0, as: EVMAddress.self) })
    }

    public func uncertainPositions(of trader: EVMAddress, on connection: PostgresConnection) throws -> [UncertainPosition] {
        try connection.query(
            "SELECT u.pair_index, u.trade_index, r.topic0, r.block_number FROM uncertain_positions u JOIN raw_logs r ON r.id = u.raw_log_id "
                + "WHERE u.trader = $1 ORDER BY r.block_number, r.log_index", [trader]).map { row in
            UncertainPosition(pairIndex: try row.decode("pair_index"), tradeIndex: try row.decode("trade_index"),
                              topic0: try row.optional("topic0", as: Hash32.self), blockNumber: try row.decode("block_number"))
        }
    }

    /// The blocks raw logs (not companions) span, if any are stored.
    public func blockSpan(on connection: PostgresConnection) throws -> ClosedRange<Int64>? {
        let row = try connection.query("SELECT min(block_number) AS low, max(block_number) AS high FROM raw_logs WHERE reason <> 'companion'")[0]
        guard let low = try row.optional("low", as: Int64.self), let high = try row.optional("high", as: Int64.self) else { return nil }
        return low...high
    }

    /// Every raw log of blocks `range`, companions included, in chain order, locked for this transaction.
    public func logs(in range: ClosedRange<Int64>, on connection: PostgresConnection) throws -> [StoredRawLog] {
        try connection.query(
            "SELECT id, block_number, block_hash, extract(epoch FROM block_time)::bigint AS block_time, tx_hash, log_index, address, topics, "
                + "data, reason "
                + "FROM raw_logs WHERE block_number BETWEEN $1 AND $2 ORDER BY block_number, log_index FOR UPDATE",
            [range.lowerBound, range.upperBound]).map { row in
            let topics = try row.decode("topics", as: ByteA.self).bytes
            return StoredRawLog(
                id: try row.decode("id"), blockNumber: try row.decode("block_number"), blockHash: try row.decode("block_hash", as: Hash32.self),
                blockTime: try row.optional("block_time", as: Int64.self), txHash: try row.decode("tx_hash", as: Hash32.self),
                logIndex: try row.decode("log_index"), address: try row.decode("address"),
                topics: stride(from: 0, to: topics.count, by: 32).map { Hash32(bytes: Array(topics[$0..<$0 + 32]))! },
                data: try row.decode("data", as: ByteA.self).bytes, reason: try row.decode("reason"))
        }
    }

    /// Stores `newFills`, deletes the raw rows `deleting`, keeps `keeping` as companions (decoded,
    /// beside a log still raw), and rebuilds the positions of the slots the fills touch.
    /// Call inside a transaction.
    public func replace(deleting: [Int64], keeping: [Int64], with newFills: [Fill], on connection: PostgresConnection) throws {
        guard !deleting.isEmpty || !keeping.isEmpty else { return }
        try fills.insert(newFills, on: connection)
        let ids = { (list: [Int64]) in "{" + list.map(String.init).joined(separator: ",") + "}" }
        try connection.query("DELETE FROM raw_logs WHERE id = ANY($1::bigint[])", [ids(deleting)])
        // Decoded now: the positions they named are no longer uncertain on their account.
        try connection.query("DELETE FROM uncertain_positions WHERE raw_log_id = ANY($1::bigint[])", [ids(keeping)])
        try connection.query("UPDATE raw_logs SET reason = 'companion', detail = 'decoded by alfa abi redecode; kept beside a raw log of its transaction' "
                                + "WHERE id = ANY($1::bigint[])", [ids(keeping)])
        guard !newFills.isEmpty else { return }
        let list = Array(Set(newFills.map { PositionSlot(trader: $0.trader, pairIndex: $0.pairIndex, tradeIndex: $0.tradeIndex) }))
        try connection.query(
            "CREATE TEMP TABLE redecoded_slots ON COMMIT DROP AS SELECT decode(t, 'hex') AS trader, p AS pair_index, s AS trade_index "
                + "FROM unnest($1::text[], $2::int[], $3::int[]) AS u(t, p, s)",
            ["{" + list.map { Hex.encode($0.trader.bytes) }.joined(separator: ",") + "}",
             "{" + list.map { String($0.pairIndex) }.joined(separator: ",") + "}",
             "{" + list.map { String($0.tradeIndex) }.joined(separator: ",") + "}"])
        try connection.query(
            "DELETE FROM trader_positions p USING redecoded_slots r WHERE (p.trader, p.pair_index, p.trade_index) "
                + "= (r.trader, r.pair_index, r.trade_index)")
        try IndexerRepository.applyPositions(
            where: "EXISTS (SELECT 1 FROM redecoded_slots r WHERE (f.trader, f.pair_index, f.trade_index) = (r.trader, r.pair_index, r.trade_index))",
            on: connection)
        try connection.query("DROP TABLE redecoded_slots")
        try connection.notify(IndexerRepository.fillsChannel, payload: String(newFills.map(\.blockNumber).max() ?? 0))
    }
}
