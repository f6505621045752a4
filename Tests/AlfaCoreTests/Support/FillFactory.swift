import AlfaCore

/// Builds fills the way the indexer would, with sensible defaults, for the PnL tests.
struct FillFactory {
    var trader: EVMAddress
    var block: Int64 = 100
    var logIndex: Int32 = 0

    init(trader: UInt8) {
        self.trader = EVMAddress(bytes: [UInt8](repeating: trader, count: 20))!
    }

    static let usdc: Int64 = 1_000_000
    static let price: Int64 = 10_000_000_000   // 1.0 × 1e10
    static let x: Int64 = 10_000_000_000       // leverage 1×

    mutating func next() -> (Int64, Int32) {
        logIndex += 1
        if logIndex > 5 {
            block += 1
            logIndex = 0
        }
        return (block, logIndex)
    }

    mutating func open(pair: Int32 = 0, slot: Int32 = 0, at time: Int64, collateral: Int64, price: Int64 = FillFactory.price,
                       leverage: Int64 = 10 * FillFactory.x, isLong: Bool = true, fee: Int64 = 0, openTime: Int64? = nil) -> Fill {
        let (block, log) = next()
        return Fill(blockNumber: block, blockHash: .zero, blockTime: time, txHash: .zero, logIndex: log, eventGeneration: "v1.5",
                    trader: trader, pairIndex: pair, tradeIndex: slot, openTime: openTime ?? time, kind: .open,
                    orderType: .market, isLong: isLong, price: price, leverage: leverage, collateral: collateral,
                    positionCollateral: collateral, percentProfit: 0, payout: 0, openingFee: fee, closingFee: 0,
                    rolloverFee: 0, orderID: 1)
    }

    /// A close whose payout follows from the price move, less the close-side fees.
    mutating func close(_ kind: FillKind = .close, pair: Int32 = 0, slot: Int32 = 0, openTime: Int64, at time: Int64,
                        collateral: Int64, entry: Int64 = FillFactory.price, exit: Int64, leverage: Int64 = 10 * FillFactory.x,
                        isLong: Bool = true, closingFee: Int64 = 0, rolloverFee: Int64 = 0, payout: Int64? = nil) -> Fill {
        let (block, log) = next()
        let notional = Int128(collateral) * Int128(leverage) / 10_000_000_000
        let move = notional * Int128(exit - entry) / Int128(entry) * (isLong ? 1 : -1)
        let computed = max(0, Int64(Int128(collateral) + move) - closingFee - rolloverFee)
        let percent = Int64(move * 100 * 10_000_000_000 / Int128(max(collateral, 1)))
        return Fill(blockNumber: block, blockHash: .zero, blockTime: time, txHash: .zero, logIndex: log, eventGeneration: "v1.5",
                    trader: trader, pairIndex: pair, tradeIndex: slot, openTime: openTime, kind: kind,
                    orderType: kind == .close || kind == .partialClose ? .market : .limit, isLong: isLong, price: exit,
                    leverage: leverage, collateral: collateral, positionCollateral: collateral, percentProfit: percent,
                    payout: payout ?? computed, openingFee: 0, closingFee: closingFee, rolloverFee: rolloverFee, orderID: 2)
    }
}
