import AlfaCore

/// The parts of a block the indexer needs: identity, parent (for reorgs) and time.
public struct BlockHeader: Sendable, Equatable {
    public var number: Int64
    public var hash: Hash32
    public var parentHash: Hash32
    public var timestamp: Int64

    public init(number: Int64, hash: Hash32, parentHash: Hash32, timestamp: Int64) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
    }

    /// Decodes an `eth_getBlockByNumber` result; nil for `null` (no such block yet).
    public static func decode(_ json: [UInt8]) throws(JSONError) -> BlockHeader? {
        try JSONCursor.read(json) { cursor throws(JSONError) in
            if try cursor.consumeNull() { return nil }
            var number: Int64?, hash: Hash32?, parent: Hash32?, timestamp: Int64?
            try cursor.forEachMember { cursor, key throws(JSONError) in
                if key.equals("number") { number = try cursor.readQuantity() }
                else if key.equals("hash") { hash = try cursor.readHash() }
                else if key.equals("parentHash") { parent = try cursor.readHash() }
                else if key.equals("timestamp") { timestamp = try cursor.readQuantity() }
                else { try cursor.skipValue() }
            }
            guard let number, let hash, let parent, let timestamp else {
                throw .unexpected("a block with number, hash, parentHash and timestamp", at: cursor.position)
            }
            return BlockHeader(number: number, hash: hash, parentHash: parent, timestamp: timestamp)
        }
    }
}

extension BlockHeader {
    /// How the indexer's step machine sees this block.
    public var link: IndexerStepMachine.BlockLink { .init(number: number, hash: hash, parentHash: parentHash) }
}
