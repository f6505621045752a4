/// The parts of the Bot API's objects the bot reads. Ids are 64-bit: chat ids exceed 32 bits.
public struct BotUser: Sendable, Decodable, Equatable {
    public let id: Int64
    public let isBot: Bool
    public let firstName: String
    public let username: String?

    enum CodingKeys: String, CodingKey {
        case id, username
        case isBot = "is_bot"
        case firstName = "first_name"
    }
}

public struct BotChat: Sendable, Decodable, Equatable {
    public let id: Int64
    public let type: String
}

public struct BotMessage: Sendable, Decodable, Equatable {
    public let messageID: Int64
    public let from: BotUser?
    public let chat: BotChat
    public let date: Int64
    public let text: String?
    /// Set on the service message of a group that became a supergroup.
    public let migrateToChatID: Int64?

    enum CodingKeys: String, CodingKey {
        case from, chat, date, text
        case messageID = "message_id"
        case migrateToChatID = "migrate_to_chat_id"
    }
}

public struct BotCallbackQuery: Sendable, Decodable, Equatable {
    public let id: String
    public let from: BotUser
    public let message: BotMessage?
    public let data: String?
}

/// One update. Decoding never fails as a whole: an update whose content cannot be read is
/// `.malformed`, so one bad update is logged and skipped instead of stopping the poller.
public struct BotUpdate: Sendable, Decodable {
    public enum Content: Sendable {
        case message(BotMessage)
        case callbackQuery(BotCallbackQuery)
        /// A kind the bot did not ask for (the server may still send it).
        case other
        case malformed(String)
    }

    /// nil only when the update has no readable `update_id`.
    public let id: Int64?
    public let content: Content

    enum CodingKeys: String, CodingKey {
        case id = "update_id"
        case message
        case callbackQuery = "callback_query"
    }

    public init(from decoder: any Decoder) throws {
        let container: KeyedDecodingContainer<CodingKeys>
        do {
            container = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            id = nil
            content = .malformed("not an object")
            return
        }
        id = try? container.decode(Int64.self, forKey: .id)
        do {
            if container.contains(.message) {
                content = .message(try container.decode(BotMessage.self, forKey: .message))
            } else if container.contains(.callbackQuery) {
                content = .callbackQuery(try container.decode(BotCallbackQuery.self, forKey: .callbackQuery))
            } else {
                content = .other
            }
        } catch let error as DecodingError {
            content = .malformed(Self.describe(error))
        }
    }

    /// Where decoding failed, without the update's content (it may hold private text).
    static func describe(_ error: DecodingError) -> String {
        // The path inside the update: the decoder's starts at the response (`result.3.`).
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            let start = (keys.firstIndex { Int($0) != nil }).map { $0 + 1 } ?? 0
            return keys[start...].joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type at \(path(context))"
        case .keyNotFound(let key, let context): return "missing \(key.stringValue) at \(path(context))"
        case .dataCorrupted(let context): return "corrupted at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}
