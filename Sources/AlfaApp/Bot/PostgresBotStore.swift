import AlfaStore
import AlfaTelegram

/// The bot's state in PostgreSQL (migration 0004).
struct PostgresBotStore: BotStore {
    let pool: PostgresPool
    /// Under `alfa serve`, the poller singleton's lease: the offset moves only under its epoch.
    let lease: Lease?
    private let repository = TelegramRepository()

    init(pool: PostgresPool, lease: Lease? = nil) {
        self.pool = pool
        self.lease = lease
    }

    func offset(bot: Int64) async throws -> Int64? {
        try await pool.withConnection { [repository] in try repository.offset(bot: bot, on: $0) }
    }

    func saveOffset(_ offset: Int64, bot: Int64) async throws {
        try await pool.transaction { [repository, lease] connection in
            try lease?.check(on: connection)
            try repository.saveOffset(offset, bot: bot, on: connection)
        }
    }

    func chatRoutes() async throws -> ChatRoutes {
        let routes = try await pool.withConnection { [repository] in try repository.routes(on: $0) }
        return ChatRoutes(blocked: routes.blocked, migrated: routes.migrated)
    }

    func markBlocked(chat: Int64, reason: String) async throws {
        try await pool.withConnection { [repository] in try repository.markBlocked(chat: chat, reason: reason, on: $0) }
    }

    func markMigrated(chat: Int64, to newChat: Int64) async throws {
        try await pool.withConnection { [repository] in try repository.markMigrated(chat: chat, to: newChat, on: $0) }
    }

    func unblock(chat: Int64) async throws {
        try await pool.withConnection { [repository] in try repository.unblock(chat: chat, on: $0) }
    }

    func addAlert(chat: Int64, text: String, photo: Photo?) async throws -> Int64 {
        try await pool.withConnection { [repository] in
            try repository.addAlert(chat: chat, text: text, photo: photo.map { ($0.png, $0.fileName) }, on: $0)
        }
    }

    func pendingAlerts() async throws -> [PendingAlert] {
        try await pool.withConnection { [repository] in
            try repository.pendingAlerts(on: $0).map { PendingAlert(id: $0.id, chat: $0.chat, text: $0.text, silent: $0.silent,
                                                             photo: $0.photo.map { Photo(png: $0.png, fileName: $0.name) }) }
        }
    }

    func finishAlert(id: Int64, outcome: String) async throws {
        try await pool.withConnection { [repository] in try repository.finishAlert(id: id, outcome: outcome, on: $0) }
    }
}
