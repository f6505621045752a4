/// A failed Bot API call, as the bot decides on it: the delivery of a message and the long
/// poll each turn one into what to do next (`MessageDelivery`, `PollingBackoff`).
public enum BotFailure: Sendable, Equatable {
    /// 401: the token is wrong or revoked.
    case unauthorized
    /// 409: a webhook is set, or another process polls with the same token.
    case conflict(String)
    /// 429: every request waits this many seconds (the flood limit is the bot's, not a chat's).
    case tooManyRequests(retryAfter: Int)
    /// 400 for a group that became a supergroup: the same message goes to the new id.
    case chatMigrated(to: Int64)
    /// 403: the user blocked the bot, or it was removed from the group.
    case forbidden(String)
    /// 400 `can't parse entities`: the HTML was refused.
    case htmlRefused(String)
    /// Any other 400: this message will never be accepted.
    case badRequest(String)
    /// 5xx, no answer, or an answer that could not be read: the server or the network may recover.
    case transient(String)
}
