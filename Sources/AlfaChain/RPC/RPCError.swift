/// A JSON-RPC call that failed. Endpoints are named by host only: an RPC URL often
/// carries an API key in its path or query.
public enum RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The provider refused the range or result count of an `eth_getLogs`: split and retry.
    case rangeLimit(host: String, message: String)
    /// The node answered with a JSON-RPC error.
    case rpc(host: String, code: Int64, message: String)
    /// No endpoint answered usefully after every retry.
    case unavailable(attempts: Int, lastFailure: String)
    /// An endpoint serves another chain: indexing it would corrupt the data silently.
    case wrongChain(host: String, expected: Int64, actual: Int64)
    /// The answer was not the JSON-RPC the method promises.
    case malformedResponse(host: String, reason: String)

    public var description: String {
        switch self {
        case .rangeLimit(let host, let message): "\(host) refused the log range: \(message)"
        case .rpc(let host, let code, let message): "\(host) answered error \(code): \(message)"
        case .unavailable(let attempts, let last): "no RPC endpoint answered after \(attempts) attempts (last: \(last))"
        case .wrongChain(let host, let expected, let actual):
            "\(host) serves chain id \(actual), but CHAIN_ID is \(expected): check RPC_URLS and CHAIN_ID"
        case .malformedResponse(let host, let reason): "\(host) sent a malformed answer: \(reason)"
        }
    }

    /// Whether a JSON-RPC error is a provider's range or result-count limit. Providers word
    /// it differently: -32005 "query returned more than 10000 results", "block range too
    /// large", -32602 "exceeds limit", "limit exceeded", "response size exceeded". Only
    /// consulted for `eth_getLogs`.
    public static func isRangeLimit(code: Int64, message: String) -> Bool {
        if code == -32005 { return true }
        let text = message.lowercased()
        return ["more than", "too large", "block range", "exceed", "too many", "response size", "range is too"]
            .contains { text.contains($0) }
    }
}
