import AlfaCore
import AlfaHTTP

/// A Bot API call that failed, classified by what the caller must do about it.
/// Descriptions come from the server; none contains the URL, so none contains the token.
public enum BotAPIError: Error, Equatable, CustomStringConvertible {
    /// 401: the token is wrong or revoked. Fatal.
    case unauthorized
    /// 409: a webhook is set, or another process polls with the same token.
    case conflict(String)
    /// 429: wait this many seconds.
    case tooManyRequests(retryAfter: Int)
    /// 400 for a group that became a supergroup: resend to the new id.
    case chatMigrated(to: Int64)
    /// 403: the user blocked the bot, or it was removed from the group.
    case forbidden(String)
    /// Any other 400.
    case badRequest(String)
    /// 5xx or an unexpected status.
    case server(status: Int, String)
    /// No HTTP response at all (timeout, refused, reset).
    case transport(HTTPError)
    case malformedResponse(String)

    /// `400 Bad Request: can't parse entities`: the HTML was refused; resend as plain text.
    public var isParseError: Bool {
        if case .badRequest(let description) = self { return description.contains("can't parse entities") }
        return false
    }

    /// Worth retrying after a pause: the server or the network may recover.
    public var isTransient: Bool {
        switch self {
        case .server, .transport, .malformedResponse, .tooManyRequests, .conflict: true
        case .unauthorized, .chatMigrated, .forbidden, .badRequest: false
        }
    }

    public var description: String {
        switch self {
        case .unauthorized:
            "401 Unauthorized: TELEGRAM_BOT_TOKEN is wrong or was revoked (get a new one from @BotFather)"
        case .conflict(let text): "409 \(text)"
        case .tooManyRequests(let seconds): "429 Too Many Requests: retry after \(seconds) s"
        case .chatMigrated(let id): "400 the group became a supergroup with id \(id)"
        case .forbidden(let text): "403 \(text)"
        case .badRequest(let text): "400 \(text)"
        case .server(let status, let text): "\(status) \(text)"
        case .transport(let error): "\(error)"
        case .malformedResponse(let what): "malformed Bot API response: \(what)"
        }
    }
}

extension BotAPIError {
    /// What the bot's decisions (`MessageDelivery`, `PollingBackoff`) see of this error.
    public var failure: BotFailure {
        switch self {
        case .unauthorized: .unauthorized
        case .conflict: .conflict(description)
        case .tooManyRequests(let seconds): .tooManyRequests(retryAfter: seconds)
        case .chatMigrated(let chat): .chatMigrated(to: chat)
        case .forbidden(let reason): .forbidden(reason)
        case .badRequest: isParseError ? .htmlRefused(description) : .badRequest(description)
        case .server, .transport, .malformedResponse: .transient(description)
        }
    }
}
