import AlfaCore

/// Copy orders, the engine's cursor over `fills`, and the leaders admins chose.
/// Exactly once: an order is keyed by the leader fill's (tx hash, log index).
public struct CopyOrderRepository: Sendable {
    /// Advisory-lock key of the single copy executor across replicas.
    public static let executorLockKey: Int64 = 0x616c_6661_636f_7079  // "alfacopy"

    public init() {}

    // MARK: cursor

    /// Where the engine has read `fills` up to; the first call starts at the newest fill (history is not copied).
    public func cursor(on connection: PostgresConnection) throws -> Int64 {
        if let stored: Int64 = try connection.query("SELECT last_fill_id FROM copy_cursor WHERE id = 1").first?.decode(0) {
            return stored
        }
        try connection.query(
            "INSERT INTO copy_cursor (id, last_fill_id) SELECT 1, coalesce(max(id), 0) FROM fills ON CONFLICT (id) DO NOTHING")
        return try connection.query("SELECT last_fill_id FROM copy_cursor WHERE id = 1")[0].decode(0)
    }

    public func advanceCursor(to id: Int64, on connection: PostgresConnection) throws {
        try connection.query("UPDATE copy_cursor SET last_fill_id = $1, updated_at = now() WHERE id = 1 AND last_fill_id < $1", [id])
    }

    // MARK: pause

    /// Who paused copying and since when (unix seconds); nil when it is not paused.
    public func pause(on connection: PostgresConnection) throws -> (by: String, since: Int64)? {
        try connection.query("SELECT changed_by, extract(epoch FROM changed_at)::bigint AS changed_at FROM copy_pause WHERE id = 1 AND paused")
            .first.map { (try $0.decode("changed_by"), try $0.decode("changed_at")) }
    }

    public func setPaused(_ paused: Bool, by actor: String, on connection: PostgresConnection) throws {
        try connection.query("INSERT INTO copy_pause (id, paused, changed_by) VALUES (1, $1, $2) "
                             + "ON CONFLICT (id) DO UPDATE SET paused = $1, changed_by = $2, changed_at = now()", [paused, actor])
    }

    // MARK: leaders

    public func leaderChoices(on connection: PostgresConnection) throws -> [(leader: EVMAddress, followed: Bool)] {
        try connection.query("SELECT leader, followed FROM copy_leaders ORDER BY changed_at").map {
            (try $0.decode("leader"), try $0.decode("followed"))
        }
    }

    /// Records the set of leaders the executor trades on: each leader that entered or left it
    /// since the last call is written as a change, attributed to the admin whose follow or
    /// unfollow caused it, else to `otherwise` (the automatic top K, or COPY_LEADERS).
    @discardableResult
    public func recordLeaderSet(_ leaders: [EVMAddress], otherwise: String,
                                on connection: PostgresConnection) throws -> [PerformanceReport.LeaderChange] {
        try connection.transaction { connection in
            let stored = Set(try connection.query("SELECT leader FROM copy_leader_set FOR UPDATE").map { try $0.decode(0, as: EVMAddress.self) })
            let wanted = Set(leaders)
            guard stored != wanted else { return [] }
            var choices: [EVMAddress: (followed: Bool, by: String)] = [:]
            for row in try connection.query("SELECT leader, followed, changed_by FROM copy_leaders") {
                choices[try row.decode("leader")] = (try row.decode("followed"), try row.decode("changed_by"))
            }
            let changes = wanted.subtracting(stored).map { (leader: $0, added: true) }
                + stored.subtracting(wanted).map { (leader: $0, added: false) }
            var recorded: [PerformanceReport.LeaderChange] = []
            for change in changes.sorted(by: { $0.leader.description < $1.leader.description }) {
                let choice = choices[change.leader]
                let actor = choice.map { $0.followed == change.added ? $0.by : otherwise } ?? otherwise
                let at: Int64 = try connection.query(
                    "INSERT INTO copy_leader_changes (leader, added, actor) VALUES ($1, $2, $3) RETURNING extract(epoch FROM at)::bigint",
                    [change.leader, change.added, actor])[0].decode(0)
                recorded.append(.init(leader: change.leader, added: change.added, by: actor, at: at))
                try connection.query(change.added ? "INSERT INTO copy_leader_set (leader) VALUES ($1)"
                                                  : "DELETE FROM copy_leader_set WHERE leader = $1", [change.leader])
            }
            return recorded
        }
    }

    /// Leaders that entered or left the traded set in [from, to), oldest first.
    public func leaderChanges(from: Int64, to: Int64, on connection: PostgresConnection) throws -> [PerformanceReport.LeaderChange] {
        try connection.query(
            "SELECT leader, added, actor, extract(epoch FROM at)::bigint AS at FROM copy_leader_changes "
                + "WHERE at >= $1 AND at < $2 ORDER BY at, id",
            [Timestamp(unixSeconds: from), Timestamp(unixSeconds: to)]).map {
            PerformanceReport.LeaderChange(leader: try $0.decode("leader"), added: try $0.decode("added"), by: try $0.decode("actor"),
                                           at: try $0.decode("at"))
        }
    }

    public func setLeader(_ leader: EVMAddress, followed: Bool, by actor: String, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO copy_leaders (leader, followed, changed_by) VALUES ($1, $2, $3) "
                + "ON CONFLICT (leader) DO UPDATE SET followed = $2, changed_by = $3, changed_at = now()",
            [leader, followed, actor])
    }

    /// Every leader's own settings (`/copy set`); a row that no longer parses is left out (the
    /// defaults apply) rather than stopping the engine.
    public func leaderSettings(on connection: PostgresConnection) throws -> [EVMAddress: LeaderSettings] {
        var settings: [EVMAddress: LeaderSettings] = [:]
        for row in try connection.query("SELECT leader, settings FROM copy_leader_settings") {
            if let parsed = LeaderSettings(canonical: try row.decode("settings")) { settings[try row.decode("leader")] = parsed }
        }
        return settings
    }

    /// Stores a leader's settings; empty ones (all defaults) remove the row.
    public func setLeaderSettings(_ settings: LeaderSettings, of leader: EVMAddress, by actor: String,
                                  on connection: PostgresConnection) throws {
        if settings.isEmpty {
            try connection.query("DELETE FROM copy_leader_settings WHERE leader = $1", [leader])
        } else {
            try connection.query(
                "INSERT INTO copy_leader_settings (leader, settings, changed_by) VALUES ($1, $2, $3) "
                    + "ON CONFLICT (leader) DO UPDATE SET settings = $2, changed_by = $3, changed_at = now()",
                [leader, settings.description, actor])
        }
    }

    // MARK: orders

    /// Records the decision for one leader fill; nil when that fill already has an order.
    /// `intentNonce`: a LIVE order's nonce, stored before anything is signed with it.
    public func record(signal: Fill, fillID: Int64, decision: CopyDecision, mode: ExecutionMode, intentNonce: String? = nil,
                       on connection: PostgresConnection) throws -> Int64? {
        var action = "skip", status = CopyOrder.Status.skipped, reason: String?
        var pair = signal.pairIndex, isLong = signal.isLong
        var collateral: Int64 = 0, leverage: Int64 = 0, slippage: Int64 = 0
        var position: Int64?
        var exits = CopyExits()
        switch decision {
        case .skip(let why):
            reason = why.description
        case .open(let order):
            (action, status) = ("open", .intent)
            (pair, isLong, collateral, leverage, slippage) = (order.pairIndex, order.isLong, order.collateral, order.leverage, order.slippageBps)
            exits = order.exits
        case .close(let order):
            (action, status) = ("close", .intent)
            (pair, isLong, collateral, leverage) = (order.position.pairIndex, order.position.isLong, order.collateral, order.position.leverage)
            position = order.position.openOrderID
            reason = order.isFull ? "full close" : "partial close"
        }
        return try connection.query(
            "INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade, "
                + "leader_price, leader_time, action, mode, status, reason, pair_index, is_long, collateral, leverage, slippage_bps, "
                + "position_order_id, completed_at, intent_nonce, stop_loss_price, take_profit_price) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
                + "CASE WHEN $11 = 'skipped' THEN clock_timestamp() END, CASE WHEN $11 = 'intent' THEN $19 END, $20, $21) "
                + "ON CONFLICT (leader_tx_hash, leader_log_index) DO NOTHING RETURNING id",
            [fillID, signal.txHash, signal.logIndex, signal.trader, signal.kind.rawValue, Self.tradeKey(signal),
             signal.price, Timestamp(unixSeconds: signal.blockTime), action, mode.rawValue, status.rawValue, reason,
             pair, isLong, collateral, leverage, slippage, position, intentNonce, exits.stopLoss, exits.takeProfit]).first?.decode(0)
    }

    /// Our positions still open (or being opened), keyed by the leader position they mirror.
    /// Remaining collateral counts closes in flight, so a second close never over-closes.
    public func mirroredPositions(on connection: PostgresConnection) throws -> [String: MirroredPosition] {
        // The status list is spelled out (not a parameter) so that the planner uses copy_orders_open_positions.
        let rows = try connection.query("""
            SELECT o.id, o.leader_trade, o.pair_index, o.is_long,
                   coalesce(o.fill_price, o.leader_price) AS entry_price, o.leverage,
                   coalesce(o.fill_collateral, o.collateral) - coalesce(sum(c.collateral), 0) AS remaining_collateral,
                   o.fee - coalesce(sum(c.opening_fee_share), 0) AS remaining_opening_fee, o.mode, o.stop_loss_price,
                   o.take_profit_price
            FROM copy_orders o
            LEFT JOIN copy_orders c ON c.position_order_id = o.id AND c.action = 'close'
                 AND c.status IN (\(Self.holdingPosition))
            WHERE o.action = 'open' AND o.position_closed_at IS NULL AND o.status IN (\(Self.holdingPosition))
            GROUP BY o.id
            HAVING coalesce(o.fill_collateral, o.collateral) - coalesce(sum(c.collateral), 0) > 0
            """)
        var positions: [String: MirroredPosition] = [:]
        for row in rows {
            var position = MirroredPosition(
                openOrderID: try row.decode("id"), pairIndex: try row.decode("pair_index"), isLong: try row.decode("is_long"),
                entryPrice: try row.decode("entry_price"), leverage: try row.decode("leverage"),
                remainingCollateral: try row.decode("remaining_collateral"), remainingOpeningFee: try row.decode("remaining_opening_fee"),
                mode: ExecutionMode(rawValue: try row.decode("mode")) ?? .dry)
            position.exits = CopyExits(stopLoss: try row.optional("stop_loss_price"), takeProfit: try row.optional("take_profit_price"))
            positions[try row.decode("leader_trade")] = position
        }
        return positions
    }

    /// Pairs of the orders (not skips) created since `time` (unix seconds).
    public func pairsTraded(since time: Int64, on connection: PostgresConnection) throws -> [Int32] {
        try connection.query("SELECT DISTINCT pair_index FROM copy_orders WHERE action <> 'skip' AND created_at >= $1",
                             [Timestamp(unixSeconds: time)]).map { try $0.decode(0) }
    }

    /// The key of a leader's position lifecycle (trader, pair, slot, open time), stored with each order.
    /// `'intent', 'signed', …`: constants from the code, never values from outside.
    static let holdingPosition = CopyOrder.Status.holdingPosition.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    public static func tradeKey(_ fill: Fill) -> String { "\(fill.trader):\(fill.pairIndex):\(fill.tradeIndex):\(fill.openTime)" }

    public func orders(status: [CopyOrder.Status], limit: Int = 1_000, on connection: PostgresConnection) throws -> [CopyOrder] {
        try connection.query(
            "SELECT \(Self.columns) FROM copy_orders WHERE status = ANY($1::text[]) ORDER BY id LIMIT $2",
            [Self.list(status), limit]).map(Self.decode)
    }

    public func orders(ids: [Int64], on connection: PostgresConnection) throws -> [CopyOrder] {
        try connection.query("SELECT \(Self.columns) FROM copy_orders WHERE id = ANY($1::bigint[]) ORDER BY id",
                             ["{" + ids.map(String.init).joined(separator: ",") + "}"]).map(Self.decode)
    }

    /// A status list as a text[] parameter.
    public static func list(_ statuses: [CopyOrder.Status]) -> String { "{" + statuses.map(\.rawValue).joined(separator: ",") + "}" }

    public func order(_ id: Int64, on connection: PostgresConnection) throws -> CopyOrder? {
        try connection.query("SELECT \(Self.columns) FROM copy_orders WHERE id = $1", [id]).first.map(Self.decode)
    }

    /// All orders in id order (exports, `/copy pnl`, the breakers), optionally since a time.
    /// Orders created in [since, until) (unix seconds; nil: unbounded), oldest first.
    public func all(since: Int64? = nil, until: Int64? = nil, on connection: PostgresConnection) throws -> [CopyOrder] {
        try connection.query(
            "SELECT \(Self.columns) FROM copy_orders WHERE ($1::timestamptz IS NULL OR created_at >= $1) "
                + "AND ($2::timestamptz IS NULL OR created_at < $2) ORDER BY id",
            [since.map(Timestamp.init(unixSeconds:)), until.map(Timestamp.init(unixSeconds:))]).map(Self.decode)
    }

    /// A filled order: our price and collateral, fees and (for closes) realized PnL.
    /// `ownFillID`: LIVE, our fill in `fills` (the indexed figures, final); nil for DRY or the relayer's word.
    public func markFilled(_ id: Int64, price: Int64, collateral: Int64, fee: Int64, grossPnL: Int64, netPnL: Int64,
                           openingFeeShare: Int64, tradeIndex: Int32? = nil, openTimestamp: Int64? = nil, ownFillID: Int64? = nil,
                           on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE copy_orders SET status = 'filled', fill_price = $2, fill_collateral = $3, fee = $4, gross_pnl = $5, net_pnl = $6, "
                + "opening_fee_share = $7, trade_index = coalesce($8, trade_index), open_timestamp = coalesce($9, open_timestamp), "
                + "own_fill_id = coalesce($10, own_fill_id), completed_at = coalesce(completed_at, clock_timestamp()), "
                + "submitted_at = coalesce(submitted_at, clock_timestamp()) WHERE id = $1",
            [id, price, collateral, fee, grossPnL, netPnL, openingFeeShare, tradeIndex, openTimestamp, ownFillID])
        // A close that completes its position retires it from `mirroredPositions` for good.
        try connection.query("""
            UPDATE copy_orders o SET position_closed_at = clock_timestamp()
            WHERE o.id = (SELECT position_order_id FROM copy_orders WHERE id = $1 AND action = 'close') AND o.status = 'filled'
              AND o.fill_collateral <= (SELECT coalesce(sum(c.collateral), 0) FROM copy_orders c
                                        WHERE c.position_order_id = o.id AND c.action = 'close' AND c.status = 'filled')
            """, [id])
    }

    public func markFailed(_ id: Int64, status: CopyOrder.Status = .failed, reason: String, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE copy_orders SET status = $2, reason = $3, completed_at = clock_timestamp() WHERE id = $1",
            [id, status.rawValue, reason])
    }

    /// LIVE orders still waiting for the chain or the keeper, created before `before`, that the
    /// admins were not told about yet; marked told in the same statement, so across replicas and
    /// restarts each is reported once.
    public func claimOverdue(createdBefore before: Int64, on connection: PostgresConnection) throws -> [CopyOrder] {
        try connection.query("""
            UPDATE copy_orders SET overdue_alerted_at = now()
            WHERE status = ANY($2::text[]) AND mode = 'LIVE' AND overdue_alerted_at IS NULL AND created_at < $1
            RETURNING \(Self.columns)
            """, [Timestamp(unixSeconds: before), Self.list(CopyOrder.Status.inFlight)]).map(Self.decode).sorted { $0.id < $1.id }
    }

    // MARK: LIVE (v2)

    /// What is stored with the `signed` state: enough to submit the very same intent again.
    public struct SignedIntent: Sendable {
        public var wallet: EVMAddress
        public var kind: String
        public var orderType: Int
        public var userIntent: [UInt8]
        public var signature: [UInt8]

        public init(wallet: EVMAddress, kind: String, orderType: Int, userIntent: [UInt8], signature: [UInt8]) {
            self.wallet = wallet
            self.kind = kind
            self.orderType = orderType
            self.userIntent = userIntent
            self.signature = signature
        }
    }

    /// Moves a LIVE order from the state it was read in to `next`, with one compare-and-swap on
    /// the status and the relayer seq it expects; false when another writer moved it first.
    /// `reason`: what a final state without a fill tells the admins. Call inside a transaction
    /// whose lease was checked (`LeaseRepository.check`); `epoch` is stored with the row.
    public func transition(_ id: Int64, from: CopyOrderMachine.State, to next: CopyOrderMachine.State, reason: String? = nil,
                           signed: SignedIntent? = nil, epoch: Int64, on connection: PostgresConnection) throws -> Bool {
        var sets = ["status = $4", "lease_epoch = $5"]
        var values: [(any PostgresEncodable)?] = [id, from.name, from.lastSeq, next.name, epoch]
        func set(_ column: String, _ value: (any PostgresEncodable)?) {
            values.append(value)
            sets.append("\(column) = $\(values.count)")
        }
        switch next {
        case .intent:
            break
        case .signed(let intent):
            set("intent_digest", intent.digest)
            set("deadline_ms", intent.deadline)
            if let signed {
                set("wallet", signed.wallet)
                set("intent_kind", signed.kind)
                set("order_type", signed.orderType)
                set("user_intent", ByteA(signed.userIntent))
                set("intent_signature", ByteA(signed.signature))
            }
        case .accepted(let tracking, let seq):
            set("tracking_id", tracking)
            set("last_seq", seq)
            sets.append("submitted_at = coalesce(submitted_at, clock_timestamp())")
        case .initiated(let tracking, let seq, let orderID):
            set("tracking_id", tracking)
            set("last_seq", seq)
            set("keeper_order_id", Int64(orderID))
            sets.append("submitted_at = coalesce(submitted_at, clock_timestamp())")
        case .executed(let fill):
            set("keeper_order_id", Int64(fill.orderID))
            set("tx_hash", fill.transactionHash.flatMap { Hash32(hex: $0) })
            sets.append("completed_at = clock_timestamp()")
        case .declined, .failed, .expired:
            set("reason", reason)
            sets.append("completed_at = clock_timestamp()")
        }
        return try connection.query(
            "UPDATE copy_orders SET \(sets.joined(separator: ", ")) WHERE id = $1 AND status = $2 AND coalesce(last_seq, -1) = $3",
            values).affectedRows == 1
    }

    /// The signed intent stored with an order, to submit it again as it is.
    public func signedIntent(_ id: Int64, on connection: PostgresConnection) throws -> SignedIntent? {
        guard let row = try connection.query(
            "SELECT wallet, intent_kind, order_type, user_intent, intent_signature FROM copy_orders WHERE id = $1 AND user_intent IS NOT NULL",
            [id]).first else { return nil }
        return SignedIntent(wallet: try row.decode("wallet"), kind: try row.decode("intent_kind"),
                            orderType: Int(try row.decode("order_type", as: Int32.self)),
                            userIntent: try row.decode("user_intent", as: ByteA.self).bytes,
                            signature: try row.decode("intent_signature", as: ByteA.self).bytes)
    }

    /// LIVE orders the reconciler looks at: in flight, or executed by the relayer's word with
    /// no fill of ours indexed yet.
    public func unreconciled(limit: Int = 1_000, on connection: PostgresConnection) throws -> [CopyOrder] {
        try connection.query(
            "SELECT \(Self.columns) FROM copy_orders WHERE mode = 'LIVE' AND (status = ANY($1::text[]) "
                + "OR (status = 'filled' AND own_fill_id IS NULL AND intent_digest IS NOT NULL)) ORDER BY id LIMIT $2",
            [Self.list(CopyOrder.Status.inFlight), limit]).map(Self.decode)
    }

    /// Our wallet's fill for a LIVE order, not matched to another order yet: by the exchange's
    /// order id when known, else an open by pair and side after the order was made, a close by
    /// the position it closes (pair, slot and on-chain open time).
    public func ownFill(for order: CopyOrder, closing position: CopyOrder?,
                        on connection: PostgresConnection) throws -> (id: Int64, fill: Fill)? {
        guard let wallet = order.live.wallet else { return nil }
        let rows = try connection.query("""
            SELECT \(FillRepository.columns.map { "f." + $0 }.joined(separator: ", ")), f.id FROM fills f
            WHERE f.trader = $1 AND f.pair_index = $2
              AND NOT EXISTS (SELECT 1 FROM copy_orders c WHERE c.own_fill_id = f.id)
              AND (f.order_id = $3::numeric
                   OR ($4 AND f.kind = 'open' AND f.is_long = $5 AND f.block_time >= $6)
                   OR (NOT $4 AND f.kind IN ('close', 'partial_close') AND f.trade_index = $7 AND f.open_time = $8
                       AND f.block_time >= $6))
            ORDER BY f.order_id = $3::numeric DESC, f.id LIMIT 1
            """, [wallet, order.pairIndex, order.keeperOrderID.map(String.init) ?? "-1", order.action == .open, order.isLong,
                  Timestamp(unixSeconds: order.createdAt - 60), position?.tradeIndex ?? -1, position?.live.openTimestamp ?? -1])
        guard let row = rows.first else { return nil }
        return (try row.decode("id"), try FillRepository.decode(row))
    }

    /// Our wallet's fills that closed a LIVE position of ours with no order of ours: a
    /// take-profit, stop-loss or liquidation the exchange executed by itself, not recorded yet;
    /// with the open they close.
    public func exchangeCloses(limit: Int = 100, on connection: PostgresConnection) throws -> [(fillID: Int64, fill: Fill, open: CopyOrder)] {
        let rows = try connection.query("""
            SELECT \(FillRepository.columns.map { "f." + $0 }.joined(separator: ", ")), f.id AS fill_id, o.id AS open_id FROM copy_orders o
            JOIN fills f ON f.trader = o.wallet AND f.pair_index = o.pair_index AND f.trade_index = o.trade_index
                 AND f.open_time = o.open_timestamp AND f.kind IN ('take_profit', 'stop_loss', 'liquidation')
            WHERE o.action = 'open' AND o.mode = 'LIVE' AND o.status = 'filled' AND o.position_closed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM copy_orders c WHERE c.own_fill_id = f.id)
            ORDER BY f.id LIMIT $1
            """, [limit])
        return try rows.map { row in
            guard let open = try order(try row.decode("open_id"), on: connection) else {
                throw PostgresError(kind: .decodingFailed, message: "a copy order vanished while it was read")
            }
            return (try row.decode("fill_id"), try FillRepository.decode(row), open)
        }
    }

    /// Records an exchange-made close of `open` (see `exchangeCloses`) as a filled close order,
    /// keyed by our fill, so it is recorded once; nil when it already was.
    public func recordExchangeClose(_ fill: Fill, fillID: Int64, of open: CopyOrder, reason: String,
                                    on connection: PostgresConnection) throws -> Int64? {
        try connection.query(
            "INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade, leader_price, "
                + "leader_time, action, mode, status, reason, pair_index, is_long, collateral, leverage, position_order_id, wallet) "
                + "SELECT $1, $2, $3, $4, $5, leader_trade, $6, $7, 'close', 'LIVE', 'intent', $8, pair_index, is_long, $9, leverage, id, wallet "
                + "FROM copy_orders WHERE id = $10 "
                + "ON CONFLICT (leader_tx_hash, leader_log_index) DO NOTHING RETURNING id",
            [fillID, fill.txHash, fill.logIndex, fill.trader, fill.kind.rawValue, fill.price, Timestamp(unixSeconds: fill.blockTime),
             reason, fill.collateral, open.id]).first?.decode(0)
    }

    /// A DRY position's own stop-loss or take-profit reached at `price` (the mark): a close of
    /// all that is left, as an intent the DRY executor fills at that price. Keyed by the open, so
    /// one exit at most; nil when there already is one.
    public func recordExit(of position: MirroredPosition, reason: String, price: Int64, at time: Int64,
                           on connection: PostgresConnection) throws -> Int64? {
        try connection.query(
            "INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade, leader_price, "
                + "leader_time, action, mode, status, reason, pair_index, is_long, collateral, leverage, slippage_bps, position_order_id) "
                + "SELECT leader_fill_id, sha256(convert_to('exit:' || id::text, 'UTF8')), 0, leader, 'close', leader_trade, $2, $3, "
                + "'close', mode, 'intent', $4, pair_index, is_long, $5, leverage, slippage_bps, id FROM copy_orders WHERE id = $1 "
                + "ON CONFLICT (leader_tx_hash, leader_log_index) DO NOTHING RETURNING id",
            [position.openOrderID, price, Timestamp(unixSeconds: time), reason, position.remainingCollateral]).first?.decode(0)
    }

    /// A close of all that is left of `position`, ordered by an admin or a breaker, as an intent
    /// its executor sends at market (`price`: the mark, what a DRY close fills at and a LIVE one
    /// wants). Keyed by the open and the second, so a repeated press records one; nil then.
    public func recordOrderedClose(of position: MirroredPosition, by orderer: CloseOrderer, price: Int64, at time: Int64,
                                   intentNonce: String?, on connection: PostgresConnection) throws -> Int64? {
        try connection.query(
            "INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade, leader_price, "
                + "leader_time, action, mode, status, reason, pair_index, is_long, collateral, leverage, slippage_bps, position_order_id, "
                + "ordered_by, intent_nonce) "
                + "SELECT leader_fill_id, sha256(convert_to('ordered:' || id::text, 'UTF8')), $6, leader, 'close', leader_trade, $2, $3, "
                + "'close', mode, 'intent', 'closed by ' || $4, pair_index, is_long, $5, leverage, slippage_bps, id, $4, "
                + "CASE WHEN mode = 'LIVE' THEN $7 END FROM copy_orders WHERE id = $1 "
                + "ON CONFLICT (leader_tx_hash, leader_log_index) DO NOTHING RETURNING id",
            [position.openOrderID, price, Timestamp(unixSeconds: time), orderer.description, position.remainingCollateral,
             Int32(truncatingIfNeeded: time), intentNonce]).first?.decode(0)
    }

    /// A position the exchange closed whole (take-profit, stop-loss, liquidation): no longer ours.
    public func retirePosition(_ openID: Int64, on connection: PostgresConnection) throws {
        try connection.query("UPDATE copy_orders SET position_closed_at = coalesce(position_closed_at, clock_timestamp()) WHERE id = $1",
                             [openID])
    }

    static let columns = """
        id, leader_fill_id, leader, leader_kind, leader_price, extract(epoch FROM leader_time)::bigint AS leader_time, action, mode, \
        status, reason, pair_index, is_long, collateral, leverage, position_order_id, trade_index, nonce, tx_hash, keeper_order_id, \
        fill_price, fill_collateral, fee, net_pnl, gross_pnl, gas_usdc, extract(epoch FROM created_at)::bigint AS created_at, \
        extract(epoch FROM completed_at)::bigint AS completed_at, slippage_bps, \
        wallet, intent_nonce, intent_digest, deadline_ms, tracking_id, last_seq, open_timestamp, own_fill_id, \
        stop_loss_price, take_profit_price, ordered_by
        """

    /// An order from a row holding `columns`, by name.
    static func decode(_ row: PostgresRow) throws -> CopyOrder {
        guard let kind = FillKind(rawValue: try row.decode("leader_kind")), let action = CopyOrder.Action(rawValue: try row.decode("action")),
              let mode = ExecutionMode(rawValue: try row.decode("mode")), let status = CopyOrder.Status(rawValue: try row.decode("status"))
        else { throw PostgresError(kind: .decodingFailed, message: "copy_orders holds an unknown kind, action, mode or status") }
        var order = CopyOrder(
            id: try row.decode("id"), leaderFillID: try row.decode("leader_fill_id"), leader: try row.decode("leader"), leaderKind: kind,
            leaderPrice: try row.decode("leader_price"), leaderTime: try row.decode("leader_time"), action: action, mode: mode,
            status: status, reason: try row.optional("reason"), pairIndex: try row.decode("pair_index"), isLong: try row.decode("is_long"),
            collateral: try row.decode("collateral"), leverage: try row.decode("leverage"),
            positionOrderID: try row.optional("position_order_id"), tradeIndex: try row.optional("trade_index"),
            nonce: try row.optional("nonce"), txHash: try row.optional("tx_hash", as: Hash32.self),
            keeperOrderID: try row.optional("keeper_order_id"),
            fillPrice: try row.optional("fill_price"), fillCollateral: try row.optional("fill_collateral"), fee: try row.decode("fee"),
            netPnL: try row.decode("net_pnl"), grossPnL: try row.decode("gross_pnl"), gasUSDC: try row.decode("gas_usdc"),
            createdAt: try row.decode("created_at"), completedAt: try row.optional("completed_at"))
        order.slippageLimitBps = try row.decode("slippage_bps")
        order.live.wallet = try row.optional("wallet", as: EVMAddress.self)
        order.live.nonce = try row.optional("intent_nonce")
        order.live.digest = try row.optional("intent_digest", as: Hash32.self)
        order.live.deadline = try row.optional("deadline_ms")
        order.live.trackingID = try row.optional("tracking_id")
        order.live.lastSeq = try row.optional("last_seq")
        order.live.openTimestamp = try row.optional("open_timestamp")
        order.live.ownFillID = try row.optional("own_fill_id")
        order.exits = CopyExits(stopLoss: try row.optional("stop_loss_price"), takeProfit: try row.optional("take_profit_price"))
        order.orderedBy = try row.optional("ordered_by")
        return order
    }
}
