/// An HTTP request as the callers build it. The URL may hold a secret (a bot token, an
/// RPC key): transports never log it and their errors never include it.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    public var connectTimeoutSeconds: Double
    public var timeoutSeconds: Double

    public init(method: String = "GET", url: String, headers: [String: String] = [:], body: [UInt8] = [],
                connectTimeoutSeconds: Double = 10, timeoutSeconds: Double = 30) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Sends one request. Timeouts are the request's; retries, backoff and redaction of
/// what the caller logs are the caller's.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse
}
