import AlfaCore

/// The eth_* methods the indexer uses, typed.
extension JSONRPCClient {
    public func chainID() async throws(RPCError) -> Int64 {
        try Self.quantity(try await call("eth_chainId"), host: "node")
    }

    public func blockNumber() async throws(RPCError) -> Int64 {
        try Self.quantity(try await call("eth_blockNumber"), host: "node")
    }

    /// The header of block `number`, or nil if the node does not have it (yet).
    public func header(_ number: Int64) async throws(RPCError) -> BlockHeader? {
        try Self.header(try await call("eth_getBlockByNumber", #"["0x\#(String(number, radix: 16))",false]"#))
    }

    /// Headers of several blocks in one batch; a missing block is nil.
    public func headers(_ numbers: [Int64]) async throws(RPCError) -> [Int64: BlockHeader?] {
        var headers: [Int64: BlockHeader?] = [:]
        // Providers cap batch sizes; 100 is under every common limit.
        for chunk in stride(from: 0, to: numbers.count, by: 100).map({ Array(numbers[$0..<min($0 + 100, numbers.count)]) }) {
            let answers = try await batch(chunk.map { ("eth_getBlockByNumber", #"["0x\#(String($0, radix: 16))",false]"#) })
            for (number, answer) in zip(chunk, answers) { headers[number] = try Self.header(try answer.get()) }
        }
        return headers
    }

    /// The raw JSON of `eth_getLogs` for the addresses over [from, to]; throws `.rangeLimit` when the provider refuses.
    public func logsJSON(from: Int64, to: Int64, addresses: [EVMAddress]) async throws(RPCError) -> [UInt8] {
        let list = addresses.map { "\"\($0)\"" }.joined(separator: ",")
        return try await call("eth_getLogs",
            #"[{"fromBlock":"0x\#(String(from, radix: 16))","toBlock":"0x\#(String(to, radix: 16))","address":[\#(list)]}]"#)
    }

    public func logs(from: Int64, to: Int64, addresses: [EVMAddress]) async throws(RPCError) -> [RPCLog] {
        let json = try await logsJSON(from: from, to: to, addresses: addresses)
        do { return try RPCLog.decodeArray(json) } catch {
            throw .malformedResponse(host: "node", reason: "eth_getLogs: \(error)")
        }
    }

    private static func header(_ json: [UInt8]) throws(RPCError) -> BlockHeader? {
        do { return try BlockHeader.decode(json) } catch {
            throw .malformedResponse(host: "node", reason: "eth_getBlockByNumber: \(error)")
        }
    }
}
