import AlfaCore

/// One entry of an `eth_getLogs` answer.
public struct RPCLog: Sendable, Equatable {
    public var address: EVMAddress
    public var topics: [Hash32]
    public var data: [UInt8]
    public var blockNumber: Int64
    public var blockHash: Hash32
    public var transactionHash: Hash32
    public var logIndex: Int32
    public var removed: Bool

    public init(address: EVMAddress, topics: [Hash32], data: [UInt8], blockNumber: Int64, blockHash: Hash32,
                transactionHash: Hash32, logIndex: Int32, removed: Bool = false) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.logIndex = logIndex
        self.removed = removed
    }

    /// Decodes an `eth_getLogs` result (a JSON array of logs).
    public static func decodeArray(_ json: [UInt8]) throws(JSONError) -> [RPCLog] {
        try JSONCursor.read(json) { cursor throws(JSONError) in
            var logs: [RPCLog] = []
            try cursor.forEachElement { cursor throws(JSONError) in logs.append(try RPCLog(&cursor)) }
            return logs
        }
    }

    init(_ cursor: inout JSONCursor) throws(JSONError) {
        var address: EVMAddress?, blockHash: Hash32?, transactionHash: Hash32?
        var topics: [Hash32] = [], data: [UInt8] = [], blockNumber: Int64?, logIndex: Int64?, removed = false
        try cursor.forEachMember { cursor, key throws(JSONError) in
            if key.equals("address") { address = try cursor.readAddress() }
            else if key.equals("topics") {
                topics.reserveCapacity(4)
                try cursor.forEachElement { cursor throws(JSONError) in topics.append(try cursor.readHash()) }
            }
            else if key.equals("data") { data = try cursor.readHexBytes() }
            else if key.equals("blockNumber") { blockNumber = try cursor.consumeNull() ? nil : try cursor.readQuantity() }
            else if key.equals("blockHash") { blockHash = try cursor.consumeNull() ? nil : try cursor.readHash() }
            else if key.equals("transactionHash") { transactionHash = try cursor.consumeNull() ? nil : try cursor.readHash() }
            else if key.equals("logIndex") { logIndex = try cursor.consumeNull() ? nil : try cursor.readQuantity() }
            else if key.equals("removed") { removed = try cursor.readBool() }
            else { try cursor.skipValue() }
        }
        guard let address, let blockHash, let transactionHash, let blockNumber, let logIndex, logIndex <= Int64(Int32.max)
        else { throw .unexpected("a mined log (address, block, transaction and log index)", at: cursor.position) }
        self.init(address: address, topics: topics, data: data, blockNumber: blockNumber, blockHash: blockHash,
                  transactionHash: transactionHash, logIndex: Int32(logIndex), removed: removed)
    }
}
