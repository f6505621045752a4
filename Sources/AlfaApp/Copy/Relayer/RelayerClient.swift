import AlfaCore
import AlfaHTTP
import Foundation
import Synchronization

/// Avantis' batched-market relayer (`AVANTIS_RELAYER_URL`): submits a signed intent and reads
/// the lifecycle it streams back as Server-Sent Events, parsed as the bytes arrive; replays it
/// by tracking id after a cut stream or a restart. The intent and its signature are never logged,
/// and no error carries them.
public struct RelayerClient: Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// HTTP 4xx/5xx before any stream: the order was not taken (deadline, nonce, signature…).
        case refused(status: Int, reason: String)
        case transport(HTTPError)
        case malformed(String)

        public var description: String {
            switch self {
            case .refused(let status, let reason): "the relayer refused the order (HTTP \(status)): \(reason)"
            case .transport(let error): "the relayer could not be reached: \(error)"
            case .malformed(let why): "the relayer answered something alfa cannot read: \(why)"
            }
        }
    }

    let base: String
    let transport: any HTTPTransport

    public init(base: String, transport: any HTTPTransport = CurlHTTPClient(name: "alfa-relayer")) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.transport = transport
    }

    /// POSTs the intent and calls `onEvent` for each streamed event, with its seq (nil when the
    /// event carries no `id:`), on the transport's thread. Returns when the stream ends, with or
    /// without a terminal event: the caller's state machine decides what an ending means.
    public func submit(orderType: Int, userIntent: [UInt8], signature: [UInt8],
                       onEvent: @escaping @Sendable (RelayerEvent, Int64?) -> Void) async throws(Failure) {
        let body = #"{"orderType":\#(orderType),"erc712":{"userIntent":"0x\#(Hex.encode(userIntent))","userSignature":"0x\#(Hex.encode(signature))"}}"#
        let request = HTTPRequest(method: "POST", url: base + "/market/execute-batched",
                                  headers: ["Content-Type": "application/json", "Accept": "text/event-stream"],
                                  body: Array(body.utf8), connectTimeoutSeconds: 5, timeoutSeconds: 75)
        let reader = StreamReader(onEvent: onEvent)
        let response: HTTPResponse
        do {
            response = try await transport.stream(request) { status, chunk in reader.receive(status: status, chunk) }
        } catch {
            throw .transport(error)
        }
        guard (200..<300).contains(response.status) else {
            throw .refused(status: response.status, reason: reader.refusal)
        }
    }

    /// The events persisted after `afterSeq` (all of them when nil).
    public func replay(trackingID: String, afterSeq: Int64?) async throws(Failure) -> [(seq: Int64, event: RelayerEvent)] {
        let id = trackingID.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? trackingID
        let query = afterSeq.map { "?afterSeq=\($0)" } ?? ""
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(url: base + "/tracking-id/\(id)/status" + query, timeoutSeconds: 15))
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else {
            throw .refused(status: response.status, reason: String(decoding: response.body.prefix(200), as: UTF8.self))
        }
        do {
            return try RelayerEvent.replay(String(decoding: response.body, as: UTF8.self))
        } catch {
            throw .malformed(error.description)
        }
    }
}

/// The parser between curl's chunks and the caller: an error answer is kept as text instead.
private final class StreamReader: Sendable {
    private let state = Mutex<(parser: ServerSentEventParser, refusal: [UInt8])>((ServerSentEventParser(), []))
    private let onEvent: @Sendable (RelayerEvent, Int64?) -> Void

    init(onEvent: @escaping @Sendable (RelayerEvent, Int64?) -> Void) { self.onEvent = onEvent }

    var refusal: String { state.withLock { String(decoding: $0.refusal.prefix(300), as: UTF8.self) } }

    func receive(status: Int, _ chunk: [UInt8]) {
        guard (200..<300).contains(status) else {
            state.withLock { $0.refusal += chunk }
            return
        }
        let events = state.withLock { $0.parser.feed(chunk) }
        for event in events {
            // A payload alfa cannot read is not an outcome either: the replay or the chain settles it.
            guard let decoded = try? RelayerEvent(event) else { continue }
            onEvent(decoded, event.id.flatMap { Int64($0) })
        }
    }
}
