import AlfaCore
import Foundation

/// Reads a Bot API answer: `{"ok":true,"result":…}` or an error envelope, classified into a
/// `BotAPIError` by what the caller must do. Pure, so it is tested and fuzzed without a server.
public enum BotAPIResponse {
    private struct Envelope<Result: Decodable>: Decodable {
        struct Parameters: Decodable {
            let retry_after: Int?
            let migrate_to_chat_id: Int64?
        }
        let ok: Bool
        let result: Result?
        let error_code: Int?
        let description: String?
        let parameters: Parameters?
    }

    /// `method`'s result, or the error it stands for. Server texts never should quote the
    /// token; if one ever does, it is cut out of the error's description here.
    public static func result<Result: Decodable>(of method: String, status: Int, headers: [String: String],
                                                 body: [UInt8], redacting token: Secret) throws(BotAPIError) -> Result {
        let envelope = try? JSONDecoder().decode(Envelope<Result>.self, from: Data(body))
        if let envelope, envelope.ok, status == 200 {
            guard let result = envelope.result else { throw .malformedResponse("\(method) returned no result") }
            return result
        }
        let code = envelope?.error_code ?? status
        var description = envelope?.description ?? "HTTP \(status) from \(method)"
        if !token.value.isEmpty { description = description.replacingOccurrences(of: token.value, with: "<token>") }
        switch code {
        case 401: throw .unauthorized
        case 409: throw .conflict(description)
        case 429: throw .tooManyRequests(retryAfter: envelope?.parameters?.retry_after
                                         ?? Int(headers["retry-after"] ?? "") ?? 5)
        case 403: throw .forbidden(description)
        case 400:
            if let id = envelope?.parameters?.migrate_to_chat_id { throw .chatMigrated(to: id) }
            throw .badRequest(description)
        case 200: throw .malformedResponse("\(method) answered ok without a readable result")
        default: throw .server(status: code, description)
        }
    }
}
