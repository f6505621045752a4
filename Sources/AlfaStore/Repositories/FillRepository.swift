import AlfaCore

/// Reads and writes `fills`. Writes are bulk (COPY) and exactly once: a log already
/// stored makes the whole batch fail with `.uniqueViolation`, inside the caller's
/// transaction, so the checkpoint that goes with it is not advanced either.
public struct FillRepository: Sendable {
    public let table: String

    public init(table: String = "fills") {
        self.table = table
    }

    static let columns = [
        "block_number", "block_hash", "block_time", "tx_hash", "log_index", "event_generation",
        "trader", "pair_index", "trade_index", "open_time", "kind", "order_type", "is_long",
        "price", "leverage", "collateral", "position_collateral", "notional", "percent_profit", "payout",
        "opening_fee", "closing_fee", "rollover_fee", "gross_pnl", "net_pnl", "order_id", "funding_usdc",
    ]

    /// Inserts `fills` with one COPY; returns the rows written.
    @discardableResult
    public func insert(_ fills: [Fill], on connection: PostgresConnection) throws -> Int {
        guard !fills.isEmpty else { return 0 }
        // Each month's partition must exist before its fills arrive (else they land in the default one).
        var first = fills[0].blockTime, last = fills[0].blockTime
        for fill in fills {
            first = min(first, fill.blockTime)
            last = max(last, fill.blockTime)
        }
        try connection.query("SELECT alfa_ensure_fills_partitions($1, $2)", [Timestamp(unixSeconds: first), Timestamp(unixSeconds: last)])
        return try connection.copy(into: table, columns: Self.columns) { writer in
            for fill in fills {
                writer.field(fill.blockNumber)
                writer.field(bytes: fill.blockHash.bytes)
                writer.field(Timestamp(unixSeconds: fill.blockTime))
                writer.field(bytes: fill.txHash.bytes)
                writer.field(fill.logIndex)
                writer.field(fill.eventGeneration.description)
                writer.field(bytes: fill.trader.bytes)
                writer.field(fill.pairIndex)
                writer.field(fill.tradeIndex)
                writer.field(fill.openTime)
                writer.field(fill.kind.rawValue)
                writer.field(fill.orderType.rawValue)
                writer.field(fill.isLong)
                writer.field(fill.price)
                writer.field(fill.leverage)
                writer.field(fill.collateral)
                writer.field(fill.positionCollateral)
                writer.field(fill.notional)
                writer.field(fill.percentProfit)
                writer.field(fill.payout)
                writer.field(fill.openingFee)
                writer.field(fill.closingFee)
                writer.field(fill.rolloverFee)
                writer.field(fill.grossPnL)
                writer.field(fill.netPnL)
                writer.field(String(fill.orderID))
                writer.field(fill.fundingFee)
                try writer.endRow()
            }
        }
    }

    /// Up to `limit` fills stored after `id`, in insertion (chain) order, with their ids:
    /// how the leaderboard follows new fills. `upTo` leaves out fills after that unix time.
    public func fills(after id: Int64, limit: Int, upTo time: Int64? = nil,
                      on connection: PostgresConnection) throws -> [(id: Int64, fill: Fill)] {
        let rows = try connection.query(
            "SELECT \(Self.columns.joined(separator: ", ")), id FROM \(try PostgresConnection.qualifiedIdentifier(table)) "
                + "WHERE id > $1 AND ($2::timestamptz IS NULL OR block_time <= $2) ORDER BY id LIMIT $3",
            [id, time.map(Timestamp.init(unixSeconds:)), limit])
        return try rows.map { row in (try row.decode("id", as: Int64.self), try Self.decode(row)) }
    }

    /// The newest fill id and the number of fills: a reorg that removed fills shows here.
    public func watermark(on connection: PostgresConnection) throws -> (maxID: Int64, count: Int64) {
        let row = try connection.query(
            "SELECT coalesce(max(id), 0) AS max_id, count(*) AS count FROM \(try PostgresConnection.qualifiedIdentifier(table))")[0]
        return (try row.decode("max_id"), try row.decode("count"))
    }

    /// One fill by id, if it is still stored (a reorg removes fills).
    public func fill(id: Int64, on connection: PostgresConnection) throws -> Fill? {
        try connection.query(
            "SELECT \(Self.columns.joined(separator: ", ")) FROM \(try PostgresConnection.qualifiedIdentifier(table)) WHERE id = $1",
            [id]).first.map(Self.decode)
    }

    /// Every fill after `position` (block, log index), up to unix time `upTo`, in chain order,
    /// handed to `body` in batches of `batch` with their ids: the leaderboard's replay. One
    /// binary COPY, no result set in memory. Only what the FIFO book and the metrics read is
    /// filled in; hashes are zero and order ids 0.
    @discardableResult
    public func streamForLeaderboard(afterChainPosition position: (block: Int64, logIndex: Int32) = (-1, -1),
                                     upTo time: Int64? = nil, batch: Int = 65_536, on connection: PostgresConnection,
                                     _ body: ([(id: Int64, fill: Fill)]) throws -> Void) throws -> Int {
        // COPY takes no parameters: every value below is an integer we format.
        let until = time.map { " AND block_time <= to_timestamp(\($0))" } ?? ""
        let query = "SELECT id, block_number, block_time, log_index, trader, pair_index, trade_index, open_time, kind, "
            + "is_long, price, leverage, collateral, payout, opening_fee, closing_fee, rollover_fee, funding_usdc "
            + "FROM \(try PostgresConnection.qualifiedIdentifier(table)) "
            + "WHERE (block_number, log_index) > (\(position.block), \(position.logIndex))\(until) ORDER BY block_number, log_index"
        var pending: [(id: Int64, fill: Fill)] = []
        pending.reserveCapacity(batch)
        let count = try connection.copyOut(binary: query) { row in
            var row = row
            let id = try row.int64()
            let block = try row.int64()
            let blockTime = try row.unixSeconds()
            let logIndex = try row.int32()
            guard let trader = EVMAddress(bytes: try row.bytes()) else { throw Self.badField("trader") }
            let pair = try row.int32(), slot = try row.int32(), openTime = try row.int64()
            let kindBytes = try row.bytes()
            guard let kind = FillKind.allCases.first(where: { $0.rawValue.utf8.elementsEqual(kindBytes) }) else {
                throw Self.badField("kind")
            }
            let fill = Fill(
                blockNumber: block, blockHash: .zero, blockTime: blockTime, txHash: .zero, logIndex: logIndex,
                eventGeneration: Self.unread, trader: trader, pairIndex: pair, tradeIndex: slot, openTime: openTime, kind: kind,
                orderType: .market, isLong: try row.bool(), price: try row.int64(), leverage: try row.int64(),
                collateral: try row.int64(), positionCollateral: 0, percentProfit: 0, payout: try row.int64(),
                openingFee: try row.int64(), closingFee: try row.int64(), rolloverFee: try row.int64(),
                fundingFee: try row.int64(), orderID: 0)
            pending.append((id, fill))
            if pending.count == batch {
                try body(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        if !pending.isEmpty { try body(pending) }
        return count
    }

    /// The generation label of a fill read for the leaderboard, which does not read it.
    private static let unread: EventGeneration = "unread"

    private static func badField(_ name: String) -> PostgresError {
        PostgresError(kind: .decodingFailed, message: "a stored fill has an unreadable \(name)")
    }

    /// A trader's fills in chain order.
    public func fills(of trader: EVMAddress, on connection: PostgresConnection) throws -> [Fill] {
        let rows = try connection.query(
            "SELECT \(Self.columns.joined(separator: ", ")) FROM \(try PostgresConnection.qualifiedIdentifier(table)) "
                + "WHERE trader = $1 ORDER BY block_number, log_index",
            [trader])
        return try rows.map(Self.decode)
    }

    /// Up to `limit` traders whose address starts with the hex digits `prefix` (and ends with
    /// `suffix`), in address order: a range scan of the trader index.
    public func traders(prefix: String, suffix: String = "", limit: Int, on connection: PostgresConnection) throws -> [EVMAddress] {
        let low = prefix.padding(toLength: 40, withPad: "0", startingAt: 0)
        let high = prefix.padding(toLength: 40, withPad: "f", startingAt: 0)
        guard let from = EVMAddress(hex: "0x" + low), let to = EVMAddress(hex: "0x" + high) else { return [] }
        return try connection.query(
            "SELECT DISTINCT trader FROM \(try PostgresConnection.qualifiedIdentifier(table)) WHERE trader BETWEEN $1 AND $2 "
                + "AND ($3 = '' OR right(encode(trader, 'hex'), length($3)) = $3) ORDER BY trader LIMIT $4",
            [from, to, suffix.lowercased(), limit]
        ).map { try $0.decode(0, as: EVMAddress.self) }
    }

    /// Up to `limit` fills after `id` (insertion order) matching the export filters, with their ids.
    /// Which fills an export wants; nil fields do not filter. Times are unix seconds of the
    /// block, `since` inclusive and `until` exclusive.
    public struct Filter: Sendable {
        public var trader: EVMAddress?
        public var fromBlock: Int64?
        public var toBlock: Int64?
        public var since: Int64?
        public var until: Int64?

        public init(trader: EVMAddress? = nil, fromBlock: Int64? = nil, toBlock: Int64? = nil, since: Int64? = nil, until: Int64? = nil) {
            self.trader = trader
            self.fromBlock = fromBlock
            self.toBlock = toBlock
            self.since = since
            self.until = until
        }
    }

    public func page(after id: Int64, limit: Int, _ filter: Filter, on connection: PostgresConnection) throws -> [(id: Int64, fill: Fill)] {
        let rows = try connection.query(
            "SELECT \(Self.columns.joined(separator: ", ")), id FROM \(try PostgresConnection.qualifiedIdentifier(table)) "
                + "WHERE id > $1 AND ($2::bytea IS NULL OR trader = $2) AND ($3::bigint IS NULL OR block_number >= $3) "
                + "AND ($4::bigint IS NULL OR block_number <= $4) AND ($5::timestamptz IS NULL OR block_time >= $5) "
                + "AND ($6::timestamptz IS NULL OR block_time < $6) ORDER BY id LIMIT $7",
            [id, filter.trader, filter.fromBlock, filter.toBlock, filter.since.map(Timestamp.init(unixSeconds:)),
             filter.until.map(Timestamp.init(unixSeconds:)), limit])
        return try rows.map { row in (try row.decode("id", as: Int64.self), try Self.decode(row)) }
    }

    public func count(on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT count(*) FROM \(try PostgresConnection.qualifiedIdentifier(table))")[0].decode(0)
    }

    /// A fill from a row holding `columns`, by name (other columns may come before or after).
    static func decode(_ row: PostgresRow) throws -> Fill {
        guard let kind = FillKind(rawValue: try row.decode("kind")),
              let orderType = OrderType(rawValue: try row.decode("order_type")),
              let generation = EventGeneration(try row.decode("event_generation", as: String.self)),
              let orderID = UInt64(try row.decode("order_id", as: String.self))
        else { throw PostgresError(kind: .decodingFailed, message: "unknown fill kind, order type, generation or order id") }
        return Fill(
            blockNumber: try row.decode("block_number"),
            blockHash: try row.decode("block_hash", as: Hash32.self),
            blockTime: try row.decode("block_time", as: Timestamp.self).unixSeconds,
            txHash: try row.decode("tx_hash", as: Hash32.self),
            logIndex: try row.decode("log_index"),
            eventGeneration: generation,
            trader: try row.decode("trader"),
            pairIndex: try row.decode("pair_index"),
            tradeIndex: try row.decode("trade_index"),
            openTime: try row.decode("open_time"),
            kind: kind,
            orderType: orderType,
            isLong: try row.decode("is_long"),
            price: try row.decode("price"),
            leverage: try row.decode("leverage"),
            collateral: try row.decode("collateral"),
            positionCollateral: try row.decode("position_collateral"),
            percentProfit: try row.decode("percent_profit"),
            payout: try row.decode("payout"),
            openingFee: try row.decode("opening_fee"),
            closingFee: try row.decode("closing_fee"),
            rolloverFee: try row.decode("rollover_fee"),
            fundingFee: try row.decode("funding_usdc"),
            orderID: orderID
        )
    }

    /// Fills whose block time falls between `from` and `to` (unix seconds).
    public func count(from: Int64, to: Int64, on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT count(*) FROM fills WHERE block_time >= $1 AND block_time < $2",
                             [Timestamp(unixSeconds: from), Timestamp(unixSeconds: to)])[0].decode(0)
    }

    /// Each pair's low, high and last price per minute between `from` and `until` (unix seconds, inclusive),
    /// from every trader's fills, in time order: the prices a backtest checks our exits against.
    public func priceBars(pairs: [Int32], from: Int64, until: Int64, on connection: PostgresConnection) throws -> [PriceBar] {
        guard !pairs.isEmpty else { return [] }
        return try connection.query(
            "SELECT pair_index, (floor(extract(epoch FROM block_time) / 60) * 60)::bigint AS minute, min(price) AS low, max(price) AS high, "
                + "(array_agg(price ORDER BY block_number DESC, log_index DESC))[1] AS close "
                + "FROM fills WHERE pair_index = ANY($1::int[]) AND block_time >= $2 AND block_time <= $3 GROUP BY 1, 2 ORDER BY 2, 1",
            ["{" + pairs.map(String.init).joined(separator: ",") + "}", Timestamp(unixSeconds: from), Timestamp(unixSeconds: until)]
        ).map {
            PriceBar(pairIndex: try $0.decode("pair_index"), time: try $0.decode("minute"), low: try $0.decode("low"),
                     high: try $0.decode("high"), close: try $0.decode("close"))
        }
    }

    /// The latest `limit` fill prices of each pair (every trader's), oldest first: the market's
    /// recent prices for the volatility breaker. Times in unix seconds, prices × 1e10.
    /// `upTo`: only fills at or before this unix second (nil: all).
    public func recentPrices(pairs: [Int32], limit: Int, upTo: Int64? = nil,
                             on connection: PostgresConnection) throws -> [Int32: [BreakerInputs.Sample]] {
        guard !pairs.isEmpty else { return [:] }
        let rows = try connection.query("""
            SELECT p.pair, f.t, f.price FROM unnest($1::int[]) AS p(pair)
            CROSS JOIN LATERAL (
                SELECT extract(epoch FROM block_time)::bigint AS t, price, block_number, log_index
                FROM \(try PostgresConnection.qualifiedIdentifier(table))
                WHERE pair_index = p.pair AND ($3::bigint IS NULL OR block_time <= to_timestamp($3::bigint))
                ORDER BY block_number DESC, log_index DESC LIMIT $2) AS f
            ORDER BY p.pair, f.block_number, f.log_index
            """, ["{" + pairs.map(String.init).joined(separator: ",") + "}", limit, upTo])
        var prices: [Int32: [BreakerInputs.Sample]] = [:]
        for row in rows {
            prices[try row.decode("pair", as: Int32.self), default: []]
                .append(.init(time: try row.decode("t"), value: Double(try row.decode("price", as: Int64.self))))
        }
        return prices
    }
}
