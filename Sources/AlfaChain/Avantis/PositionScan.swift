import AlfaCore

/// Where the data of a log alfa cannot decode holds a position: a trader's address followed by
/// two small numbers (pair index, slot), as a Trade tuple begins; or an indexed trader with
/// the pair and slot first in the data (as `MarginUpdated`). Read without the layout, so
/// it proposes; the indexer keeps only those that name a position live at the log's block.
/// A word counts as an address when it is one and is too large to be an amount (above 2^64):
/// a real address has a nonzero byte among its first twelve but once in 2^96.
public enum PositionScan {
    /// Pair indexes and slots are small: Avantis lists about a hundred pairs and a few slots a trader.
    static let smallLimit: UInt64 = 1 << 16

    static func plausibleAddress(_ address: EVMAddress) -> Bool { address.bytes[..<12].contains { $0 != 0 } }

    public static func references(in log: RPCLog) -> [PositionSlot] {
        let words = ABIWords(log.data)
        var found: [PositionSlot] = []
        func small(_ index: Int) -> Int32? {
            guard index < words.count, let value = words.unsigned(index), value < smallLimit else { return nil }
            return Int32(value)
        }
        if words.count >= 3 {
            for index in 0..<(words.count - 2) where words.validate(index, as: .address) == nil {
                let trader = words.address(index)
                guard plausibleAddress(trader), let pair = small(index + 1), let slot = small(index + 2) else { continue }
                found.append(PositionSlot(trader: trader, pairIndex: pair, tradeIndex: slot))
            }
        }
        if log.topics.count >= 2, log.topics[1].bytes[..<12].allSatisfy({ $0 == 0 }),
           let trader = EVMAddress(bytes: Array(log.topics[1].bytes[12...])), plausibleAddress(trader),
           let pair = small(0), let slot = small(1) {
            found.append(PositionSlot(trader: trader, pairIndex: pair, tradeIndex: slot))
        }
        return found
    }
}
