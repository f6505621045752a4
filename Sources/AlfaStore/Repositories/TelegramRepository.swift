import AlfaCore

/// The bot's persistent state: update offsets, chat routes and the alert outbox.
public struct TelegramRepository: Sendable {
    /// The advisory lock of the replica that polls Telegram (Telegram allows one poller per token).
    public static let pollerLockKey: Int64 = 0x0061_6c66_6174_676d  // "alfatgm"

    public init() {}

    public func offset(bot: Int64, on connection: PostgresConnection) throws -> Int64? {
        try connection.query("SELECT next_offset FROM telegram_offsets WHERE bot_id = $1", [bot]).first?.decode(0)
    }

    public func saveOffset(_ offset: Int64, bot: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO telegram_offsets (bot_id, next_offset) VALUES ($1, $2) "
                + "ON CONFLICT (bot_id) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()",
            [bot, offset])
    }

    public struct Routes: Sendable {
        public var blocked: Set<Int64> = []
        public var migrated: [Int64: Int64] = [:]
    }

    public func routes(on connection: PostgresConnection) throws -> Routes {
        var routes = Routes()
        for row in try connection.query("SELECT chat_id, blocked_at IS NOT NULL AS blocked, migrated_to FROM telegram_chats") {
            let chat: Int64 = try row.decode("chat_id")
            if try row.decode("blocked", as: Bool.self) { routes.blocked.insert(chat) }
            if let target: Int64 = try row.optional("migrated_to") { routes.migrated[chat] = target }
        }
        return routes
    }

    /// A blocked chat also stops watching: its pushes could never arrive.
    public func markBlocked(chat: Int64, reason: String, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM watches WHERE chat_id = $1", [chat])
        try connection.query(
            "INSERT INTO telegram_chats (chat_id, blocked_at, blocked_reason) VALUES ($1, now(), $2) "
                + "ON CONFLICT (chat_id) DO UPDATE SET blocked_at = now(), blocked_reason = $2, updated_at = now()",
            [chat, reason])
    }

    /// A chat that writes to the bot again is no longer blocked.
    public func unblock(chat: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE telegram_chats SET blocked_at = NULL, blocked_reason = NULL, updated_at = now() "
                + "WHERE chat_id = $1 AND blocked_at IS NOT NULL", [chat])
    }

    public func markMigrated(chat: Int64, to target: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            "INSERT INTO telegram_chats (chat_id, migrated_to) VALUES ($1, $2) "
                + "ON CONFLICT (chat_id) DO UPDATE SET migrated_to = $2, updated_at = now()",
            [chat, target])
    }

    /// `silent`: delivered without a sound (a copy-action notice an admin chose to hear silently).
    @discardableResult
    /// `photo`: a PNG sent with `text` as its caption.
    public func addAlert(chat: Int64, text: String, silent: Bool = false, photo: (png: [UInt8], name: String)? = nil,
                         on connection: PostgresConnection) throws -> Int64 {
        try connection.query("INSERT INTO alert_outbox (chat_id, text, silent, photo, photo_name) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                             [chat, text, silent, photo.map { ByteA($0.png) }, photo?.name])[0].decode(0)
    }

    public func pendingAlerts(on connection: PostgresConnection) throws
        -> [(id: Int64, chat: Int64, text: String, silent: Bool, photo: (png: [UInt8], name: String)?)] {
        try connection.query("SELECT id, chat_id, text, silent, photo, photo_name FROM alert_outbox WHERE finished_at IS NULL ORDER BY id").map {
            let photo: ByteA? = try $0.optional("photo")
            let name: String = try $0.optional("photo_name") ?? "chart.png"
            return (try $0.decode("id"), try $0.decode("chat_id"), try $0.decode("text"), try $0.decode("silent"), photo.map { ($0.bytes, name) })
        }
    }

    public func finishAlert(id: Int64, outcome: String, on connection: PostgresConnection) throws {
        try connection.query("UPDATE alert_outbox SET finished_at = now(), outcome = $2 WHERE id = $1", [id, outcome])
    }
}
