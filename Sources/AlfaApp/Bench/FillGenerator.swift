import AlfaCore

/// Realistic fills for benchmarks: many traders with heavy-tailed activity (a few very
/// active, most occasional), opens followed by partial or full closes, TP/SL and the odd
/// liquidation, with fees and payouts that follow the on-chain formulas.
struct FillGenerator {
    var random: SeededRandom
    let traders: [EVMAddress]
    private var block: Int64 = 30_000_000
    private var time: Int64 = 1_735_689_600 // 2025-01-01
    private var logIndex: Int32 = 0

    init(seed: UInt64, traderCount: Int) {
        random = SeededRandom(seed: seed)
        var generator = SeededRandom(seed: seed ^ 0xA1FA)
        traders = (0..<traderCount).map { _ in
            EVMAddress(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })!
        }
    }

    /// A Pareto-like pick: trader k is chosen with weight ~ 1/(k+1).
    private mutating func pickTrader() -> EVMAddress {
        let u = Double.random(in: 0..<1, using: &random)
        let index = Int(Double(traders.count).squareRoot() * u * u * Double(traders.count).squareRoot())
        return traders[min(index, traders.count - 1)]
    }

    private mutating func hash() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) } }

    mutating func generate(count: Int) -> [Fill] {
        var fills: [Fill] = []
        fills.reserveCapacity(count)
        while fills.count < count {
            let trader = pickTrader()
            let pair = Int32.random(in: 0..<40, using: &random)
            let slot = Int32.random(in: 0..<3, using: &random)
            let isLong = Bool.random(using: &random)
            let leverage = Int64([2, 5, 10, 20, 50, 100].randomElement(using: &random)!) * 10_000_000_000
            let collateral = Int64.random(in: 10_000_000...5_000_000_000, using: &random)
            let openingFee = collateral * (leverage / 10_000_000_000) * 6 / 10_000 // 0.06 % of notional
            let entry = Int64.random(in: 1_000_000_000...1_000_000_000_000_000, using: &random)
            let openTime = time
            var remaining = collateral
            fills.append(fill(trader, pair, slot, openTime, .open, .market, isLong, entry, leverage,
                              collateral, collateral, 0, 0, openingFee: openingFee, closingFee: 0))
            // One to three closes: partial ones, then the last takes what is left.
            let closes = Int.random(in: 1...3, using: &random)
            for step in 1...closes where fills.count < count {
                advance()
                let last = step == closes
                let amount = last ? remaining : remaining / 2
                let percent = Int64.random(in: -90_0000000000...150_0000000000, using: &random)
                let kind: FillKind = !last ? .partialClose
                    : percent < -85_0000000000 ? .liquidation
                    : [.close, .takeProfit, .stopLoss].randomElement(using: &random)!
                let gross = Int128(amount) * Int128(percent) / 1_000_000_000_000
                let closingFee = amount * (leverage / 10_000_000_000) * 6 / 10_000
                let payout = kind == .liquidation ? 0 : max(0, Int64(Int128(amount) + gross) - closingFee)
                let exit = entry + Int64(Int128(entry) * Int128(percent) / Int128(leverage) / 100)
                fills.append(fill(trader, pair, slot, openTime, kind, kind == .partialClose || kind == .close ? .market : .limit,
                                  isLong, max(1, exit), leverage, amount, remaining, percent, payout,
                                  openingFee: 0, closingFee: closingFee))
                remaining -= amount
            }
            advance()
        }
        return fills
    }

    private mutating func advance() {
        if Int.random(in: 0..<4, using: &random) == 0 {
            block += 1
            time += 2
            logIndex = 0
        }
    }

    private mutating func fill(_ trader: EVMAddress, _ pair: Int32, _ slot: Int32, _ openTime: Int64, _ kind: FillKind,
                               _ orderType: OrderType, _ isLong: Bool, _ price: Int64, _ leverage: Int64,
                               _ collateral: Int64, _ positionCollateral: Int64, _ percent: Int64, _ payout: Int64,
                               openingFee: Int64, closingFee: Int64) -> Fill {
        logIndex += 3
        return Fill(blockNumber: block, blockHash: hash(), blockTime: time, txHash: hash(), logIndex: logIndex,
                    eventGeneration: "v1.5", trader: trader, pairIndex: pair, tradeIndex: slot, openTime: openTime,
                    kind: kind, orderType: orderType, isLong: isLong, price: price, leverage: leverage,
                    collateral: collateral, positionCollateral: positionCollateral, percentProfit: percent,
                    payout: payout, openingFee: openingFee, closingFee: closingFee, rolloverFee: closingFee / 3,
                    orderID: String(UInt64.random(in: 1...UInt64.max, using: &random)))
    }
}
