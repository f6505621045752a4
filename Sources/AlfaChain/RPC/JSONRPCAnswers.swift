import AlfaCore

/// Reads a JSON-RPC response: one answer, or a batch in any order, matched to the calls by id.
/// Pure, so it is tested and fuzzed without a server.
public enum JSONRPCAnswers {
    /// Per-call results in the order of `methods`; the calls' ids run from `firstID`.
    /// A JSON-RPC error is a result (thrown to its caller); unreadable JSON, or a batch
    /// missing an answer, throws `JSONError` (the endpoint is at fault, worth a retry).
    public static func split(_ body: [UInt8], firstID: Int64, methods: [String],
                             host: String) throws(JSONError) -> [Result<[UInt8], RPCError>] {
        var slots = Slots(firstID: firstID, methods: methods, host: host)
        try JSONCursor.read(body) { cursor throws(JSONError) in
            if try cursor.peekKind() == .array {
                try cursor.forEachElement { cursor throws(JSONError) in try slots.read(&cursor) }
            } else {
                try slots.read(&cursor)
            }
        }
        let results = slots.results
        let count = methods.count
        var answers: [Result<[UInt8], RPCError>] = []
        answers.reserveCapacity(count)
        for result in results {
            guard let result else { throw JSONError.unexpected("an answer for every call of the batch", at: 0) }
            answers.append(result)
        }
        return answers
    }

    /// The answers read so far, one slot a call.
    private struct Slots {
        let firstID: Int64
        let methods: [String]
        let host: String
        var results: [Result<[UInt8], RPCError>?]

        init(firstID: Int64, methods: [String], host: String) {
            self.firstID = firstID
            self.methods = methods
            self.host = host
            results = Array(repeating: nil, count: methods.count)
        }

        /// One answer object: fills its call's slot, or every slot when the whole request was refused.
        mutating func read(_ cursor: inout JSONCursor) throws(JSONError) {
            var id: Int64?, result: [UInt8]?, code: Int64 = 0, message = ""
            var isError = false
            try cursor.forEachMember { cursor, key throws(JSONError) in
                if key.equals("id") { id = try cursor.consumeNull() ? nil : try cursor.readInt() }
                else if key.equals("result") { result = try cursor.readRawValue() }
                else if key.equals("error") {
                    isError = true
                    try cursor.forEachMember { cursor, key throws(JSONError) in
                        if key.equals("code") { code = try cursor.readInt() }
                        else if key.equals("message") { message = try cursor.readString() }
                        else { try cursor.skipValue() }
                    }
                } else { try cursor.skipValue() }
            }
            let count = methods.count
            // Any id may come back, Int64.min included: one that overflows matches no call.
            let slot = id.map { id in
                let (offset, overflow) = id.subtractingReportingOverflow(firstID)
                return overflow ? -1 : Int(offset)
            } ?? (count == 1 ? 0 : -1)
            guard results.indices.contains(slot) else {
                if isError, count == 1 || id == nil {
                    for index in results.indices { results[index] = .failure(classify(code, message, methods[index], host)) }
                }
                return
            }
            if isError { results[slot] = .failure(classify(code, message, methods[slot], host)) }
            else { results[slot] = .success(result ?? Array("null".utf8)) }
        }
    }

    private static func classify(_ code: Int64, _ message: String, _ method: String, _ host: String) -> RPCError {
        method == "eth_getLogs" && RPCError.isRangeLimit(code: code, message: message)
            ? .rangeLimit(host: host, message: message)
            : .rpc(host: host, code: code, message: message)
    }
}
