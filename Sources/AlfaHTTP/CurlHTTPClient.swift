import AlfaCore
import AlfaSystem
import CCurl
import Synchronization

/// An HTTP client on libcurl. One easy handle, reused so connections stay alive, driven
/// on a thread of its own: requests on one client run one at a time, so give a long poll
/// its own client and sending another. Cancelling the awaiting task aborts the transfer
/// within about a second (curl's progress callback), so a long poll never delays shutdown.
public final class CurlHTTPClient: HTTPTransport {
    private let worker: BlockingWorker
    private let session: CurlSession

    public init(name: String = "alfa-http") {
        CurlHTTPClient.globalInit
        worker = BlockingWorker(name: name)
        session = CurlSession()
    }

    deinit { worker.shutdown() }

    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await perform(request, onChunk: nil)
    }

    public func stream(_ request: HTTPRequest, onChunk: @escaping @Sendable (_ status: Int, _ chunk: [UInt8]) -> Void)
        async throws(HTTPError) -> HTTPResponse {
        try await perform(request, onChunk: onChunk)
    }

    private func perform(_ request: HTTPRequest, onChunk: (@Sendable (Int, [UInt8]) -> Void)?) async throws(HTTPError) -> HTTPResponse {
        let session = self.session
        let cancellation = CancellationFlag()
        let result: Result<HTTPResponse, HTTPError>
        do {
            result = try await withTaskCancellationHandler {
                try await worker.run { session.perform(request, cancellation: cancellation, onChunk: onChunk) }
            } onCancel: {
                cancellation.cancel()
            }
        } catch {
            throw .clientClosed
        }
        return try result.get()
    }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
}

/// The easy handle; touched only on the client's worker thread.
private final class CurlSession: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer

    init() {
        handle = curl_easy_init()
    }

    deinit { curl_easy_cleanup(handle) }

    func perform(_ request: HTTPRequest, cancellation: CancellationFlag,
                 onChunk: (@Sendable (Int, [UInt8]) -> Void)?) -> Result<HTTPResponse, HTTPError> {
        if cancellation.isCancelled { return .failure(.cancelled) }
        curl_easy_reset(handle)
        let sink = ResponseSink(onChunk: onChunk)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }

        alfa_curl_setopt_string(handle, CURLOPT_URL, request.url)
        alfa_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        alfa_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeoutSeconds * 1000))
        alfa_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeoutSeconds * 1000))
        alfa_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        alfa_curl_setopt_write_function(handle) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            data.map { sink.receive(UnsafeRawBufferPointer(start: $0, count: total)) }
            return total
        }
        alfa_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        alfa_curl_setopt_header_function(handle) { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            let total = size * count
            if let data {
                let line = String(decoding: UnsafeRawBufferPointer(start: data, count: total), as: UTF8.self)
                sink.header(line)
            }
            return total
        }
        alfa_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
        alfa_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        alfa_curl_setopt_xferinfo_function(handle) { context, _, _, _, _ in
            Unmanaged<CancellationFlag>.fromOpaque(context!).takeUnretainedValue().isCancelled ? 1 : 0
        }
        let flag = Unmanaged.passRetained(cancellation)
        defer { flag.release() }
        alfa_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, flag.toOpaque())

        switch request.method {
        case "GET":
            alfa_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "POST":
            alfa_curl_setopt_long(handle, CURLOPT_POST, 1)
        default:
            alfa_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        }
        // libcurl's mime API writes the multipart body and its boundary; it copies each part's data.
        let mime: OpaquePointer? = request.form.isEmpty ? nil : curl_mime_init(handle)
        defer { curl_mime_free(mime) }
        if let mime {
            for field in request.form {
                let part = curl_mime_addpart(mime)
                curl_mime_name(part, field.name)
                field.data.withUnsafeBytes { bytes in
                    _ = curl_mime_data(part, bytes.bindMemory(to: CChar.self).baseAddress, bytes.count)
                }
                if let fileName = field.fileName { curl_mime_filename(part, fileName) }
                if let type = field.contentType { curl_mime_type(part, type) }
            }
            alfa_curl_setopt_pointer(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        } else if !request.body.isEmpty || request.method == "POST" {
            alfa_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count)
            request.body.withUnsafeBytes { bytes in
                // COPYPOSTFIELDS copies, so the body need not outlive this call.
                _ = alfa_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
            }
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        // An empty Expect stops curl from waiting a second for "100 Continue" on large bodies.
        for (name, value) in request.headers.merging(["Expect": ""], uniquingKeysWith: { first, _ in first }) {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        defer { curl_slist_free_all(headerList) }
        alfa_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { return .failure(Self.error(code)) }
        var status = 0
        alfa_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: sink.headers, body: sink.body))
    }

    /// curl's generic text for the code; the error buffer is not used because it can quote the URL.
    private static func error(_ code: CURLcode) -> HTTPError {
        let reason = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_ABORTED_BY_CALLBACK: return .cancelled
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .connectionFailed(reason)
        default: return .transport(reason)
        }
    }
}

/// Set from the cancelling task, read by curl's progress callback on the worker thread.
private final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
    func cancel() { flag.store(true, ordering: .relaxed) }
}

private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    /// The status of the response being received, from its status line.
    var status = 0
    let onChunk: (@Sendable (Int, [UInt8]) -> Void)?

    init(onChunk: (@Sendable (Int, [UInt8]) -> Void)?) { self.onChunk = onChunk }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        if let onChunk { onChunk(status, Array(bytes)) } else { body.append(contentsOf: bytes) }
    }

    func header(_ line: String) {
        if line.hasPrefix("HTTP/") {
            // A new response (after a redirect or 100): "HTTP/1.1 200 OK".
            headers.removeAll()
            status = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name] = value
    }
}
