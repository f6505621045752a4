import AlfaCore

/// The persisted execution state (mode, emergency stop, last change) and its history.
/// Every save is announced on `channel`, delivered when the transaction commits.
public struct ExecutionRepository: Sendable {
    public static let channel = "alfa_execution"
    /// Advisory-lock key that serializes start-up and changes across replicas.
    public static let lockKey: Int64 = 0x616c_6661_6d6f_6465  // "alfamode"

    public init() {}

    public func load(on connection: PostgresConnection) throws -> ExecutionState? {
        guard let row = try connection.query(
            "SELECT mode, emergency_stop, changed_by, extract(epoch FROM changed_at)::bigint, reason FROM execution_state WHERE id = 1"
        ).first else { return nil }
        guard let mode = ExecutionMode(rawValue: try row.decode(0)),
              let actor = ExecutionActor(stored: try row.decode(2))
        else { throw PostgresError(kind: .decodingFailed, message: "execution_state holds an unknown mode or actor") }
        return ExecutionState(mode: mode, emergencyStop: try row.decode(1), changedBy: actor, changedAt: try row.decode(3),
                              reason: try row.optional(4))
    }

    /// Writes the state, appends it to the history and notifies every replica. Call inside a transaction.
    public func save(_ state: ExecutionState, on connection: PostgresConnection) throws {
        let values: [(any PostgresEncodable)?] = [state.mode.rawValue, state.emergencyStop, state.changedBy.description,
                                                  Timestamp(unixSeconds: state.changedAt), state.reason]
        try connection.query(
            "INSERT INTO execution_state (id, mode, emergency_stop, changed_by, changed_at, reason) VALUES (1, $1, $2, $3, $4, $5) "
                + "ON CONFLICT (id) DO UPDATE SET mode = $1, emergency_stop = $2, changed_by = $3, changed_at = $4, reason = $5",
            values)
        try connection.query(
            "INSERT INTO execution_history (mode, emergency_stop, changed_by, changed_at, reason) VALUES ($1, $2, $3, $4, $5)", values)
        try connection.notify(Self.channel, payload: state.emergencyStop ? "stop" : state.mode.rawValue)
    }

    public func history(limit: Int, on connection: PostgresConnection) throws -> [(mode: String, stop: Bool, by: String, reason: String?)] {
        try connection.query(
            "SELECT mode, emergency_stop, changed_by, reason FROM execution_history ORDER BY id DESC LIMIT $1", [limit]
        ).map { (try $0.decode(0), try $0.decode(1), try $0.decode(2), try $0.optional(3)) }
    }
}

/// Circuit-breaker state: which are open (tripped and not reset), with their figures.
public struct BreakerRepository: Sendable {
    public struct Record: Sendable, Equatable {
        public var name: BreakerName
        public var isOpen: Bool
        public var detail: String
        public var trippedAt: Int64?
        public var resetAt: Int64?
    }

    public init() {}

    /// The copy account's history as the breakers read it: its settled orders, only the columns
    /// they need, in one scan. `from`/`until` (unix seconds) bound the orders by creation, for reports.
    public func inputs(capital: Int64, from: Int64? = nil, until: Int64? = nil,
                       on connection: PostgresConnection) throws -> BreakerInputs {
        let rows = try connection.query("""
            SELECT id, extract(epoch FROM coalesce(completed_at, created_at))::bigint, status = 'filled', action = 'close',
                   position_order_id, net_pnl, gross_pnl, gas_usdc, fill_price, leader_price, (action = 'open') = is_long
            FROM copy_orders
            WHERE action <> 'skip' AND status = ANY($3::text[])
              AND ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2)
            ORDER BY id
            """, [from.map(Timestamp.init(unixSeconds:)), until.map(Timestamp.init(unixSeconds:)),
                  CopyOrderRepository.list([.filled] + CopyOrder.Status.unfilled)])
        let settled = try rows.map { row in
            BreakerInputs.SettledOrder(
                id: try row.decode(0), time: try row.decode(1), filled: try row.decode(2), isClose: try row.decode(3),
                positionOrderID: try row.optional(4), netPnL: try row.decode(5), grossPnL: try row.decode(6), gas: try row.decode(7),
                slippageBps: try row.optional(8, as: Int64.self).flatMap { fill in
                    CopyOrder.slippageBps(fill: fill, leader: try row.decode(9), buying: try row.decode(10))
                })
        }
        return BreakerInputs(settled: settled, capital: capital)
    }

    public func all(on connection: PostgresConnection) throws -> [BreakerName: Record] {
        var records: [BreakerName: Record] = [:]
        for row in try connection.query(
            "SELECT breaker, open, detail, extract(epoch FROM tripped_at)::bigint, extract(epoch FROM reset_at)::bigint FROM breaker_state") {
            guard let name = BreakerName(rawValue: try row.decode(0)) else { continue }
            records[name] = Record(name: name, isOpen: try row.decode(1), detail: try row.decode(2),
                                   trippedAt: try row.optional(3), resetAt: try row.optional(4))
        }
        return records
    }

    /// Opens the breaker unless it is open already; true when this call opened it.
    public func trip(_ reading: BreakerReading, at time: Int64, on connection: PostgresConnection) throws -> Bool {
        let opened = try connection.query(
            "INSERT INTO breaker_state (breaker, open, value, threshold, detail, tripped_at) VALUES ($1, true, $2, $3, $4, $5) "
                + "ON CONFLICT (breaker) DO UPDATE SET open = true, value = $2, threshold = $3, detail = $4, tripped_at = $5 "
                + "WHERE NOT breaker_state.open RETURNING breaker",
            [reading.name.rawValue, reading.value, reading.threshold, reading.detail, Timestamp(unixSeconds: time)]).count == 1
        if opened {
            try connection.query(
                "INSERT INTO breaker_events (breaker, event, value, threshold, detail, actor) VALUES ($1, 'trip', $2, $3, $4, $5)",
                [reading.name.rawValue, reading.value, reading.threshold, reading.detail, "breaker \(reading.name.rawValue)"])
        }
        return opened
    }

    /// Closes the breaker and starts its window afresh; true when it was open.
    public func reset(_ name: BreakerName, by actor: String, at time: Int64, on connection: PostgresConnection) throws -> Bool {
        let wasOpen = try connection.query(
            "SELECT open FROM breaker_state WHERE breaker = $1 FOR UPDATE", [name.rawValue]).first?.decode(0, as: Bool.self) ?? false
        try connection.query(
            "INSERT INTO breaker_state (breaker, open, threshold, detail, reset_by, reset_at) VALUES ($1, false, 0, 'reset', $2, $3) "
                + "ON CONFLICT (breaker) DO UPDATE SET open = false, reset_by = $2, reset_at = $3",
            [name.rawValue, actor, Timestamp(unixSeconds: time)])
        try connection.query(
            "INSERT INTO breaker_events (breaker, event, detail, actor) VALUES ($1, 'reset', $2, $3)",
            [name.rawValue, wasOpen ? "reset while open" : "reset while closed", actor])
        return wasOpen
    }

    /// Trips and resets between `from` and `to` (unix seconds), oldest first.
    public func events(from: Int64, to: Int64, on connection: PostgresConnection) throws -> [PerformanceReport.BreakerEvent] {
        try connection.query(
            "SELECT breaker, event, actor, detail, extract(epoch FROM at)::bigint FROM breaker_events "
                + "WHERE at >= $1 AND at < $2 ORDER BY at, id",
            [Timestamp(unixSeconds: from), Timestamp(unixSeconds: to)]).map {
            PerformanceReport.BreakerEvent(breaker: try $0.decode(0), event: try $0.decode(1), actor: try $0.decode(2),
                                           detail: try $0.decode(3), at: try $0.decode(4))
        }
    }
}
