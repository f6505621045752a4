import AlfaCore

/// `watches` and `watch_cursor`: who watches which trader, and how far fills were pushed.
public struct WatchRepository: Sendable {
    public init() {}

    /// Adds a watch unless the user already has `limit` (checked under a lock on the user's rows,
    /// so two quick /watch cannot both pass the limit).
    public func watch(_ trader: EVMAddress, user: Int64, chat: Int64, limit: Int, on connection: PostgresConnection) throws -> WatchOutcome {
        let current = try connection.query("SELECT trader FROM watches WHERE user_id = $1 FOR UPDATE", [user])
            .map { try $0.decode(0, as: EVMAddress.self) }
        if current.contains(trader) {
            try connection.query("UPDATE watches SET chat_id = $3 WHERE user_id = $1 AND trader = $2", [user, trader, chat])
            return .already
        }
        guard current.count < limit else { return .full }
        try connection.query("INSERT INTO watches (user_id, chat_id, trader) VALUES ($1, $2, $3)", [user, chat, trader])
        return .added(count: current.count + 1)
    }

    @discardableResult
    public func unwatch(_ trader: EVMAddress, user: Int64, on connection: PostgresConnection) throws -> Bool {
        try connection.query("DELETE FROM watches WHERE user_id = $1 AND trader = $2", [user, trader]).affectedRows > 0
    }

    public func watched(by user: Int64, on connection: PostgresConnection) throws -> [EVMAddress] {
        try connection.query("SELECT trader FROM watches WHERE user_id = $1 ORDER BY created_at, trader", [user])
            .map { try $0.decode(0, as: EVMAddress.self) }
    }

    public func isWatching(_ trader: EVMAddress, user: Int64, on connection: PostgresConnection) throws -> Bool {
        try !connection.query("SELECT 1 FROM watches WHERE user_id = $1 AND trader = $2", [user, trader]).isEmpty
    }

    /// Locks the cursor (creating it at the newest fill) and returns the last fill pushed. Call in
    /// a transaction: a second replica waits here until the first commits, then sees its cursor.
    public func lockCursor(on connection: PostgresConnection) throws -> Int64 {
        try connection.query(
            "INSERT INTO watch_cursor (last_fill_id) SELECT coalesce(max(id), 0) FROM fills ON CONFLICT (singleton) DO NOTHING")
        return try connection.query("SELECT last_fill_id FROM watch_cursor FOR UPDATE")[0].decode(0)
    }

    public func advanceCursor(to id: Int64, on connection: PostgresConnection) throws {
        try connection.query("UPDATE watch_cursor SET last_fill_id = $1, updated_at = now()", [id])
    }

    /// The next `limit` fills after `id`: those of watched traders, each with the chats watching
    /// it, the last id looked at (watched or not) and how many fills that was.
    public func watchedFills(after id: Int64, limit: Int, on connection: PostgresConnection) throws
        -> (fills: [(fill: Fill, chats: [Int64])], through: Int64, looked: Int) {
        let page = try connection.query(
            "SELECT coalesce(max(id), $1) AS through, count(*) AS looked FROM (SELECT id FROM fills WHERE id > $1 ORDER BY id LIMIT $2) page",
            [id, limit])[0]
        let (through, looked): (Int64, Int64) = (try page.decode("through"), try page.decode("looked"))
        guard looked > 0 else { return ([], id, 0) }
        let columns = FillRepository.columns.map { "f." + $0 }.joined(separator: ", ")
        // Grouped by the key, (id, block_time), so every other column of the fill may be selected.
        let rows = try connection.query(
            "SELECT \(columns), array_to_string(array_agg(DISTINCT w.chat_id), ',') AS chats FROM fills f JOIN watches w ON w.trader = f.trader "
                + "WHERE f.id > $1 AND f.id <= $2 GROUP BY f.id, f.block_time ORDER BY f.id", [id, through])
        let fills = try rows.map { row in
            let chats: String = try row.decode("chats")
            return (try FillRepository.decode(row), chats.split(separator: ",").compactMap { Int64($0) })
        }
        return (fills, through, Int(looked))
    }
}
