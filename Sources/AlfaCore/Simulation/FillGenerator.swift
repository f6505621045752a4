
/// Realistic fills for benchmarks and tests: many traders with heavy-tailed activity (a few very
/// active, most occasional), positions that stay open while others trade, partial and full
/// closes, TP/SL and liquidations, with fees and payouts that follow the on-chain formulas.
public struct FillGenerator {
    private struct OpenPosition {
        let trader: EVMAddress
        let pair: Int32
        let slot: Int32
        let openTime: Int64
        let isLong: Bool
        let entry: Int64
        let leverage: Int64
        var remaining: Int64
    }

    private var random: SeededRandom
    public let traders: [EVMAddress]
    private var open: [OpenPosition] = []
    private var nextSlot: [EVMAddress: Int32] = [:]
    public private(set) var block: Int64 = 30_000_000
    public private(set) var time: Int64
    private var logIndex: Int32 = 0
    private let secondsPerFill: Double
    private let openPositionsTarget: Int

    /// `secondsPerFill` sets how fast the chain clock moves; `openPositionsTarget` how many
    /// positions stay open at once (their average hold is about the product of the two).
    public init(seed: UInt64, traderCount: Int, start: Int64 = 1_735_689_600, secondsPerFill: Double = 2.5,
                openPositionsTarget: Int = 4_000) {
        random = SeededRandom(seed: seed)
        var generator = SeededRandom(seed: seed ^ 0xA1FA)
        traders = (0..<traderCount).map { _ in
            EVMAddress(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })!
        }
        time = start
        self.secondsPerFill = secondsPerFill
        self.openPositionsTarget = openPositionsTarget
    }

    /// Trader k is picked with probability falling like a power law: a few whales, a long tail.
    private mutating func pickTrader() -> EVMAddress {
        let u = Double.random(in: 0..<1, using: &random)
        return traders[min(traders.count - 1, Int(Double(traders.count) * u * u * u))]
    }

    private mutating func hash() -> Hash32 { Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })! }

    /// Keeper order ids are a counter on chain: small numbers.
    private var nextOrderID: UInt64 = 1_000

    public mutating func generate(count: Int) -> [Fill] {
        var fills: [Fill] = []
        fills.reserveCapacity(count)
        while fills.count < count {
            tick()
            let opening = open.isEmpty || (open.count < openPositionsTarget && Bool.random(using: &random))
            fills.append(opening ? openOne() : closeOne())
        }
        return fills
    }

    private mutating func tick() {
        time += Int64(Double.random(in: 0...(2 * secondsPerFill), using: &random))
        logIndex += 3
        if Int.random(in: 0..<3, using: &random) == 0 {
            block += 1
            logIndex = 0
        }
    }

    private mutating func openOne() -> Fill {
        let trader = pickTrader()
        let slot = nextSlot[trader, default: 0]
        nextSlot[trader] = (slot + 1) % 64
        let leverage = Int64([2, 5, 10, 10, 20, 25, 50, 100].randomElement(using: &random)!) * 10_000_000_000
        let collateral = Int64.random(in: 10_000_000...5_000_000_000, using: &random)
        let position = OpenPosition(trader: trader, pair: Int32.random(in: 0..<40, using: &random), slot: slot,
                                    openTime: time, isLong: Bool.random(using: &random),
                                    entry: Int64.random(in: 1_000_000_000...1_000_000_000_000_000, using: &random),
                                    leverage: leverage, remaining: collateral)
        open.append(position)
        let openingFee = collateral * (leverage / 10_000_000_000) * 6 / 10_000 // 0.06 % of notional
        return fill(position, .open, position.entry, collateral, collateral, 0, 0, openingFee: openingFee, closingFee: 0)
    }

    private mutating func closeOne() -> Fill {
        let index = Int.random(in: 0..<open.count, using: &random)
        var position = open[index]
        let percent = Int64.random(in: -100_0000000000...150_0000000000, using: &random)
        let kind: FillKind = percent <= -90_0000000000 ? .liquidation
            : Int.random(in: 0..<4, using: &random) == 0 ? .partialClose
            : [.close, .close, .takeProfit, .stopLoss].randomElement(using: &random)!
        let amount = kind == .partialClose ? position.remaining / 2 : position.remaining
        let gross = Int128(amount) * Int128(percent) / 1_000_000_000_000
        let closingFee = amount * (position.leverage / 10_000_000_000) * 6 / 10_000
        let payout = kind == .liquidation ? 0 : max(0, Int64(Int128(amount) + gross) - closingFee)
        let exit = max(1, position.entry + Int64(Int128(position.entry) * Int128(percent) / Int128(position.leverage) / 100))
        let before = position.remaining
        position.remaining -= amount
        if kind == .partialClose && position.remaining > 0 {
            open[index] = position
        } else {
            open.swapAt(index, open.count - 1)
            open.removeLast()
        }
        return fill(position, kind, exit, amount, before, percent, payout, openingFee: 0, closingFee: closingFee)
    }

    private mutating func fill(_ position: OpenPosition, _ kind: FillKind, _ price: Int64, _ collateral: Int64,
                               _ positionCollateral: Int64, _ percent: Int64, _ payout: Int64,
                               openingFee: Int64, closingFee: Int64) -> Fill {
        nextOrderID += 1
        return Fill(blockNumber: block, blockHash: hash(), blockTime: time, txHash: hash(), logIndex: logIndex,
             eventGeneration: "v1.5", trader: position.trader, pairIndex: position.pair, tradeIndex: position.slot,
             openTime: position.openTime, kind: kind,
             orderType: kind == .partialClose || kind == .close || kind == .open ? .market : .limit,
             isLong: position.isLong, price: price, leverage: position.leverage,
             collateral: collateral, positionCollateral: positionCollateral, percentProfit: percent,
             payout: payout, openingFee: openingFee, closingFee: closingFee, rolloverFee: closingFee / 3,
             orderID: nextOrderID)
    }
}
