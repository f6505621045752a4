/// Numbers traders 0, 1, 2… in order of first sight: an open-addressing table with a keyed
/// multiply-mix instead of `Dictionary`'s SipHash, since the leaderboard looks a trader up
/// for every fill (a fifth of the FIFO's time with SipHash). The seed is random per table,
/// so addresses crafted to collide cannot be made without knowing it.
struct TraderNumbers: Sendable {
    private var keys: [EVMAddress]
    private var numbers: [Int32]   // -1: empty
    private var mask: Int
    private let seed: (UInt64, UInt64)
    private(set) var count = 0
    private static let empty = EVMAddress(bytes: [UInt8](repeating: 0, count: 20))!

    init() {
        var generator = SystemRandomNumberGenerator()
        seed = (generator.next(), generator.next())
        keys = Array(repeating: Self.empty, count: 1_024)
        numbers = Array(repeating: -1, count: 1_024)
        mask = 1_023
    }

    /// The trader's number, if it has one.
    func number(of trader: EVMAddress) -> Int? {
        var slot = Int(truncatingIfNeeded: trader.mixed(seed: seed)) & mask
        while numbers[slot] >= 0 {
            if keys[slot] == trader { return Int(numbers[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The trader's number, giving it the next one on first sight; `isNew` tells which.
    mutating func numberAdding(_ trader: EVMAddress) -> (number: Int, isNew: Bool) {
        var slot = Int(truncatingIfNeeded: trader.mixed(seed: seed)) & mask
        while numbers[slot] >= 0 {
            if keys[slot] == trader { return (Int(numbers[slot]), false) }
            slot = (slot + 1) & mask
        }
        keys[slot] = trader
        numbers[slot] = Int32(count)
        count += 1
        if count * 2 > numbers.count { grow() }
        return (count - 1, true)
    }

    /// Doubles the table (load stays under a half, so probes stay short).
    private mutating func grow() {
        let (oldKeys, oldNumbers) = (keys, numbers)
        keys = Array(repeating: Self.empty, count: oldKeys.count * 2)
        numbers = Array(repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        for index in oldNumbers.indices where oldNumbers[index] >= 0 {
            var slot = Int(truncatingIfNeeded: oldKeys[index].mixed(seed: seed)) & mask
            while numbers[slot] >= 0 { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            numbers[slot] = oldNumbers[index]
        }
    }
}
