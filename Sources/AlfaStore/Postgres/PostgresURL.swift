/// What may be said about a database URL in logs: everything but the password.
public enum PostgresURL {
    /// `postgres://alfa:s3cret@db:5432/alfa` → `postgres://alfa:***@db:5432/alfa`.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "***" }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var redacted = url
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            redacted.replaceSubrange(authority.index(after: colon)..<at, with: "***")
        }
        // A password can also be given as a query parameter.
        if let range = redacted.range(of: "password=") {
            let end = redacted[range.upperBound...].firstIndex(of: "&") ?? redacted.endIndex
            redacted.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return redacted
    }

    /// The same database with every connection's `search_path` set to `schema`: how the
    /// benchmarks and tests work in a scratch schema with the real migrations.
    public static func withSearchPath(_ url: String, schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }

    /// The password in a URL, so error texts can be scrubbed of it.
    static func password(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var found: String?
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            found = String(authority[authority.index(after: colon)..<at])
        }
        if let range = url.range(of: "password=") {
            let end = url[range.upperBound...].firstIndex(of: "&") ?? url.endIndex
            found = String(url[range.upperBound..<end])
        }
        guard let found, !found.isEmpty else { return nil }
        return found.removingPercentEncodingIfPossible
    }
}

private extension String {
    var removingPercentEncodingIfPossible: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
