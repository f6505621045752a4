/// A request that got no HTTP response. The description names the failure, never the URL.
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    case timedOut
    case connectionFailed(String)
    case transport(String)
    case clientClosed
    /// The awaiting task was cancelled; the transfer was aborted.
    case cancelled

    public var description: String {
        switch self {
        case .timedOut: "the request timed out"
        case .connectionFailed(let reason): "could not connect: \(reason)"
        case .transport(let reason): "transfer failed: \(reason)"
        case .clientClosed: "the HTTP client has been closed"
        case .cancelled: "the request was cancelled"
        }
    }
}
