/// One Server-Sent Event: its type (`event:`, "message" by default), id (`id:`) and data.
public struct ServerSentEvent: Sendable, Equatable {
    public var type: String
    /// This event's `id:` line; nil when it had none (the relayer's `STREAM_TIMEOUT` has none).
    public var id: String?
    public var data: String

    public init(type: String, id: String?, data: String) {
        self.type = type
        self.id = id
        self.data = data
    }
}

/// Parses a `text/event-stream` incrementally, as the bytes arrive: chunks may split a line,
/// a CRLF, or a UTF-8 character anywhere. Lines end with LF, CR or CRLF; `:` lines are
/// comments (keep-alives); a blank line dispatches the event, unless it has no data. What
/// the stream holds after its last blank line is not an event (the spec discards it).
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var atStart = true
    private var type = ""
    private var data: [String] = []
    private var id: String?
    /// The last `id:` seen, across events: what a reconnect resumes after.
    public private(set) var lastEventID: String?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == 0x0a { continue }  // the LF of a CRLF
            }
            switch byte {
            case 0x0a:
                if let event = endLine() { events.append(event) }
            case 0x0d:
                afterCR = true
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> ServerSentEvent? {
        var bytes = line
        line.removeAll(keepingCapacity: true)
        if atStart {
            atStart = false
            if bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes.removeFirst(3) }  // a byte-order mark
        }
        guard !bytes.isEmpty else { return dispatch() }
        if bytes[0] == 0x3a { return nil }  // ":" a comment
        let field: String, value: String
        if let colon = bytes.firstIndex(of: 0x3a) {
            field = String(decoding: bytes[..<colon], as: UTF8.self)
            var start = colon + 1
            if start < bytes.count, bytes[start] == 0x20 { start += 1 }
            value = String(decoding: bytes[start...], as: UTF8.self)
        } else {
            field = String(decoding: bytes, as: UTF8.self)
            value = ""
        }
        switch field {
        case "event": type = value
        case "data": data.append(value)
        case "id" where !value.contains("\0"): id = value; lastEventID = value
        default: break  // retry, and fields the spec does not know
        }
        return nil
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer { (type, data, id) = ("", [], nil) }
        guard !data.isEmpty else { return nil }
        return ServerSentEvent(type: type.isEmpty ? "message" : type, id: id, data: data.joined(separator: "\n"))
    }
}
