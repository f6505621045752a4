import AlfaCore

/// Copy-action notices: admins' choices (`/notify`) and the settled orders not told yet.
public struct NoticeRepository: Sendable {
    public init() {}

    public func preferences(on connection: PostgresConnection) throws -> [Int64: NoticePreferences] {
        var all: [Int64: NoticePreferences] = [:]
        for row in try connection.query("SELECT user_id, kind, level FROM notify_preferences") {
            guard let kind = NoticeKind(rawValue: try row.decode("kind")), let level = NoticeLevel(rawValue: try row.decode("level"))
            else { continue }
            all[try row.decode("user_id"), default: NoticePreferences()].levels[kind] = level
        }
        return all
    }

    public func setLevel(_ level: NoticeLevel, of kinds: [NoticeKind], for user: Int64, on connection: PostgresConnection) throws {
        for kind in kinds {
            try connection.query(
                "INSERT INTO notify_preferences (user_id, kind, level) VALUES ($1, $2, $3) "
                    + "ON CONFLICT (user_id, kind) DO UPDATE SET level = $3, changed_at = now()",
                [user, kind.rawValue, level.rawValue])
        }
    }

    /// Settled orders not told yet, oldest first, marked told: call inside the transaction that
    /// queues their messages, so each is told once (a crash before the commit tells it later).
    public func claimSettled(limit: Int = 1_000, on connection: PostgresConnection) throws -> [CopyOrder] {
        let rows = try connection.query("""
            UPDATE copy_orders SET notified_at = clock_timestamp() WHERE id IN (
                SELECT id FROM copy_orders WHERE notified_at IS NULL AND status <> ALL($1::text[])
                ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING \(CopyOrderRepository.columns)
            """, [CopyOrderRepository.list(CopyOrder.Status.inFlight), limit])
        return try rows.map(CopyOrderRepository.decode).sorted { $0.id < $1.id }
    }
}
