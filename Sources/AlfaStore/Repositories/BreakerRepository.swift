import AlfaCore

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
            SELECT id, extract(epoch FROM coalesce(completed_at, created_at))::bigint AS settled_at, status = 'filled' AS filled,
                   action = 'close' AS is_close, position_order_id, net_pnl, gross_pnl, gas_usdc, fill_price, leader_price,
                   (action = 'open') = is_long AS buying
            FROM copy_orders
            WHERE action <> 'skip' AND status = ANY($3::text[])
              AND ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2)
            ORDER BY id
            """, [from.map(Timestamp.init(unixSeconds:)), until.map(Timestamp.init(unixSeconds:)),
                  CopyOrderRepository.list([.filled] + CopyOrder.Status.unfilled)])
        let settled = try rows.map { row in
            BreakerInputs.SettledOrder(
                id: try row.decode("id"), time: try row.decode("settled_at"), filled: try row.decode("filled"),
                isClose: try row.decode("is_close"), positionOrderID: try row.optional("position_order_id"),
                netPnL: try row.decode("net_pnl"), grossPnL: try row.decode("gross_pnl"), gas: try row.decode("gas_usdc"),
                slippageBps: try row.optional("fill_price", as: Int64.self).flatMap { fill in
                    CopyOrder.slippageBps(fill: fill, leader: try row.decode("leader_price"), buying: try row.decode("buying"))
                })
        }
        return BreakerInputs(settled: settled, capital: capital)
    }

    public func all(on connection: PostgresConnection) throws -> [BreakerName: Record] {
        var records: [BreakerName: Record] = [:]
        for row in try connection.query(
            "SELECT breaker, open, detail, extract(epoch FROM tripped_at)::bigint AS tripped_at, extract(epoch FROM reset_at)::bigint AS reset_at "
                + "FROM breaker_state") {
            guard let name = BreakerName(rawValue: try row.decode("breaker")) else { continue }
            records[name] = Record(name: name, isOpen: try row.decode("open"), detail: try row.decode("detail"),
                                   trippedAt: try row.optional("tripped_at"), resetAt: try row.optional("reset_at"))
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
            "SELECT breaker, event, actor, detail, extract(epoch FROM at)::bigint AS at FROM breaker_events "
                + "WHERE at >= $1 AND at < $2 ORDER BY at, id",
            [Timestamp(unixSeconds: from), Timestamp(unixSeconds: to)]).map {
            PerformanceReport.BreakerEvent(breaker: try $0.decode("breaker"), event: try $0.decode("event"), actor: try $0.decode("actor"),
                                           detail: try $0.decode("detail"), at: try $0.decode("at"))
        }
    }
}
