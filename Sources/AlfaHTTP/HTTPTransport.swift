/// An HTTP request as the callers build it. The URL may hold a secret (a bot token, an
/// RPC key): transports never log it and their errors never include it.
public struct HTTPRequest: Sendable {
    /// One part of a `multipart/form-data` body (a file upload).
    public struct FormPart: Sendable, Equatable {
        public var name: String
        public var data: [UInt8]
        public var fileName: String?
        public var contentType: String?

        public init(name: String, data: [UInt8], fileName: String? = nil, contentType: String? = nil) {
            self.name = name
            self.data = data
            self.fileName = fileName
            self.contentType = contentType
        }

        public init(name: String, text: String) {
            self.init(name: name, data: Array(text.utf8))
        }
    }

    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    /// When not empty, the body is these parts as `multipart/form-data` (and `body` is ignored).
    public var form: [FormPart] = []
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

    /// Like `send`, but hands the body to `onChunk` as it arrives (a Server-Sent-Events stream),
    /// with the status and headers known; the response's own body is then empty. `onChunk` runs
    /// on the transport's thread: it must not block.
    func stream(_ request: HTTPRequest, onChunk: @escaping @Sendable (_ status: Int, _ chunk: [UInt8]) -> Void)
        async throws(HTTPError) -> HTTPResponse
}

extension HTTPTransport {
    /// A transport that cannot stream delivers the whole body as one chunk.
    public func stream(_ request: HTTPRequest, onChunk: @escaping @Sendable (_ status: Int, _ chunk: [UInt8]) -> Void)
        async throws(HTTPError) -> HTTPResponse {
        var response = try await send(request)
        onChunk(response.status, response.body)
        response.body = []
        return response
    }
}
