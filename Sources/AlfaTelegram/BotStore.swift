/// What the bot keeps across restarts: the update offset, chats that blocked the bot or
/// moved, and alerts not yet delivered. Implemented on PostgreSQL by the app.
public protocol BotStore: Sendable {
    func offset(bot: Int64) async throws -> Int64?
    func saveOffset(_ offset: Int64, bot: Int64) async throws
    func chatRoutes() async throws -> ChatRoutes
    func markBlocked(chat: Int64, reason: String) async throws
    func markMigrated(chat: Int64, to newChat: Int64) async throws
    /// The chat wrote to the bot again, so it no longer blocks it.
    func unblock(chat: Int64) async throws
    /// Persists an alert (text, or a chart with the text as its caption) for one chat before it is sent; returns its id.
    func addAlert(chat: Int64, text: String, photo: Photo?) async throws -> Int64
    func pendingAlerts() async throws -> [PendingAlert]
    /// The alert left the outbox: `outcome` says how ("sent", "blocked", "refused: …").
    func finishAlert(id: Int64, outcome: String) async throws
}

/// Chats that must not be written to, and groups that became supergroups.
public struct ChatRoutes: Sendable, Equatable {
    public var blocked: Set<Int64>
    public var migrated: [Int64: Int64]

    public init(blocked: Set<Int64> = [], migrated: [Int64: Int64] = [:]) {
        self.blocked = blocked
        self.migrated = migrated
    }

    /// Where a message for `chat` goes now, following migrations.
    public func destination(of chat: Int64) -> Int64 {
        var current = chat
        var hops = 0
        while let next = migrated[current], hops < 8 {
            current = next
            hops += 1
        }
        return current
    }
}

/// A PNG to send with `sendPhoto`.
public struct Photo: Sendable, Equatable {
    public let png: [UInt8]
    public let fileName: String

    public init(png: [UInt8], fileName: String) {
        self.png = png
        self.fileName = fileName
    }

    /// Telegram's limit on a photo's caption, counted after parsing.
    public static let captionLimit = 1_024
}

public struct PendingAlert: Sendable, Equatable {
    public let id: Int64
    public let chat: Int64
    /// HTML; a photo's caption (possibly empty) when there is a photo.
    public let text: String
    /// Sent without a sound.
    public let silent: Bool
    public let photo: Photo?

    public init(id: Int64, chat: Int64, text: String, silent: Bool = false, photo: Photo? = nil) {
        self.id = id
        self.chat = chat
        self.text = text
        self.silent = silent
        self.photo = photo
    }
}
