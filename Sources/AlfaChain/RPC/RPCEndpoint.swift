import AlfaCore

/// One JSON-RPC URL. The URL is a secret (providers put API keys in it); logs and errors
/// name the host only.
public struct RPCEndpoint: Sendable {
    public let url: Secret
    public let host: String

    public init(url: Secret) {
        self.url = url
        host = Self.host(of: url.value)
    }

    /// `scheme://user:pass@host:port/path?query` → `host:port`.
    static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        rest = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return rest.isEmpty ? "(endpoint)" : String(rest)
    }
}

/// Something the client did that an operator wants in the log (hosts only).
public enum RPCEvent: Sendable {
    case retrying(host: String, reason: String, delaySeconds: Double)
    case failedOver(from: String, to: String, reason: String)
    case chainUnverified(host: String, reason: String)
    /// One HTTP exchange with an endpoint, for metrics: its time and, when it failed, why.
    case exchanged(host: String, duration: Duration, failure: String?)
}
