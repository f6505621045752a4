/// The local market: a few hundred traders of different skills trading several pairs
/// whose prices move minute by minute. Each `step` is one minute and returns the keeper
/// executions of that minute — opens at market or by limit, partial and full closes,
/// take-profits, stop-losses and liquidations — with Avantis's fee arithmetic.
/// Pure and `Codable`: the same seed replays the same market, and a saved state resumes it.
public struct MarketSimulator: Codable, Sendable {
    /// Minutes of future price each pair keeps drawn: longer than the longest hold.
    static let lookaheadMinutes = 720
    /// Open positions a trader holds at most (slots 0, 1, 2 per pair).
    static let maxOpenPerTrader = 2
    static let feeBps: Int64 = 6

    public private(set) var traders: [SimulatedTrader]
    public private(set) var minute: Int64 = 0
    var pairs: [SimulatedPair]
    var positions: [SimulatedPosition] = []
    var random: SeededRandom
    var nextOrderID: Int64 = 1
    /// Whether the exchange runs v2, which settles funding at each close (nil before v2 existed: false).
    public var chargesFunding: Bool? = false

    /// About 5 % sharp, 20 % reckless, the rest noisy, in a shuffled order.
    public init(seed: UInt64, traderCount: Int) {
        random = SeededRandom(seed: seed)
        let sharp = max(1, traderCount * 5 / 100)
        let reckless = max(1, traderCount * 20 / 100)
        var styles = Array(repeating: SimulatedTrader.Style.sharp, count: sharp)
            + Array(repeating: .reckless, count: reckless)
            + Array(repeating: .noisy, count: max(0, traderCount - sharp - reckless))
        for i in stride(from: styles.count - 1, to: 0, by: -1) {
            styles.swapAt(i, random.integer(0...i))
        }
        var traders: [SimulatedTrader] = []
        for style in styles.prefix(traderCount) {
            var address = "0x"
            for _ in 0..<5 { address += String(format32: UInt32(truncatingIfNeeded: random.next())) }
            traders.append(.make(style: style, address: address, random: &random))
        }
        self.traders = traders
        let lookahead = Self.lookaheadMinutes
        pairs = [
            SimulatedPair(name: "ETH/USD", price: 3_200, annualVolatility: 0.70, lookahead: lookahead, random: &random),
            SimulatedPair(name: "BTC/USD", price: 65_000, annualVolatility: 0.55, lookahead: lookahead, random: &random),
            SimulatedPair(name: "SOL/USD", price: 150, annualVolatility: 0.90, lookahead: lookahead, random: &random),
            SimulatedPair(name: "DOGE/USD", price: 0.15, annualVolatility: 1.10, lookahead: lookahead, random: &random),
            SimulatedPair(name: "EUR/USD", price: 1.08, annualVolatility: 0.08, lookahead: lookahead, random: &random),
        ]
    }

    public var openPositionCount: Int { positions.count }
    public var pairNames: [String] { pairs.map(\.name) }
    /// Each pair's price now, × 1e10, by the pair index its fills carry.
    public var prices: [Int64] { pairs.map { SimulatedPair.scaled($0.price) } }

    /// One minute of the market at `timestamp` (unix seconds, the block's time).
    public mutating func step(at timestamp: Int64) -> [SimulatedFill] {
        minute += 1
        for index in pairs.indices { pairs[index].advance(&random) }
        var fills: [SimulatedFill] = []
        var kept: [SimulatedPosition] = []
        for var position in positions {
            let price = SimulatedPair.scaled(pairs[position.pair].price)
            if position.leveredReturn(at: price) <= -0.9 {
                fills.append(close(position, amount: position.collateral, at: price, as: .liquidation))
            } else if position.stopLoss > 0, position.buy ? price <= position.stopLoss : price >= position.stopLoss {
                fills.append(close(position, amount: position.collateral, at: price, as: .stopLoss))
            } else if position.takeProfit > 0, position.buy ? price >= position.takeProfit : price <= position.takeProfit {
                fills.append(close(position, amount: position.collateral, at: price, as: .takeProfit))
            } else if minute >= position.closeMinute {
                fills.append(close(position, amount: position.collateral, at: price, as: .marketClose))
            } else {
                if let partial = position.partialMinute, minute >= partial {
                    let amount = Int64(Double(position.collateral) * random.uniform(0.25...0.5))
                    fills.append(close(position, amount: amount, at: price, as: .partialClose))
                    position.collateral -= amount
                    position.partialMinute = nil
                }
                kept.append(position)
            }
        }
        positions = kept
        for trader in traders.indices where random.chance(traders[trader].tradesPerDay / 1_440) {
            if let fill = open(trader: trader, at: timestamp) { fills.append(fill) }
        }
        return fills
    }

    private mutating func open(trader index: Int, at timestamp: Int64) -> SimulatedFill? {
        let trader = traders[index]
        let mine = positions.filter { $0.trader == index }
        guard mine.count < Self.maxOpenPerTrader else { return nil }
        let pair = random.integer(0...(pairs.count - 1))
        let used = Set(mine.filter { $0.pair == pair }.map(\.slot))
        guard let slot = (0...2).first(where: { !used.contains($0) }) else { return nil }
        let hold = Int64(random.uniform(trader.holdMinutes))
        let now = pairs[pair].price
        let rising = pairs[pair].path[Int(hold)] > now
        let buy = random.chance(trader.foresight) ? rising : !rising
        let leverage = Int64(random.uniform(trader.leverage).rounded())
        let collateral = Int64(random.uniform(trader.collateralUSDC) * 100) * 10_000
        let openingFee = collateral * leverage * Self.feeBps / 10_000
        // Targets at the move a trader of that horizon expects: TP 1.5 σ away, SL 1.2 σ.
        let expectedMove = pairs[pair].minuteVolatility * Double(hold).squareRoot()
        let direction = buy ? 1.0 : -1.0
        let stops = random.chance(trader.stopShare)
        let position = SimulatedPosition(
            trader: index, pair: pair, slot: slot, buy: buy, leverage: leverage, collateral: collateral - openingFee,
            openPrice: SimulatedPair.scaled(now), openedAt: timestamp, openedMinute: minute, closeMinute: minute + hold,
            partialMinute: random.chance(trader.partialShare) ? minute + hold / 2 : nil,
            takeProfit: stops ? SimulatedPair.scaled(now * (1 + direction * 1.5 * expectedMove)) : 0,
            stopLoss: stops ? SimulatedPair.scaled(now * (1 - direction * 1.2 * expectedMove)) : 0)
        positions.append(position)
        var fill = SimulatedFill(kind: 0, orderId: takeOrderID(), trade: position.trade(trader.address), open: true,
                                 price: position.openPrice, positionSizeUSDC: position.collateral, openingFee: openingFee)
        if random.chance(trader.limitShare) {
            // A limit open: LimitExecuted type 3, whose percentProfit carries the trigger price.
            fill.kind = 1
            fill.orderType = 3
            fill.percentProfit = position.openPrice
        }
        return fill
    }

    private mutating func close(_ position: SimulatedPosition, amount: Int64, at price: Int64,
                                as event: SimulatedFill.Event) -> SimulatedFill {
        let percent = min(max(position.leveredReturn(at: price), -1), 9)
        let percentProfit = Int64((percent * 100e10).rounded())
        let notional = amount * position.leverage
        let liquidated = event == .liquidation
        let closingFee = liquidated ? 0 : notional * Self.feeBps / 10_000
        // Rollover: 0.001 % of the notional per hour held.
        let rolloverFee = notional * (minute - position.openedMinute) / (60 * 100_000)
        let gross = Int64(Int128(amount) * Int128(percentProfit) / 1_000_000_000_000)
        // v2 funding: 0.0005 % of the notional per hour held, paid by longs to shorts.
        let funding = chargesFunding == true && !liquidated
            ? (position.buy ? 1 : -1) * notional * (minute - position.openedMinute) / (60 * 200_000) : 0
        let sent = liquidated ? 0 : max(0, amount + gross - closingFee - rolloverFee - funding)
        var fill = SimulatedFill(kind: 0, orderId: takeOrderID(), trade: position.trade(traders[position.trader].address), open: false, price: price,
                                 positionSizeUSDC: amount, percentProfit: percentProfit, usdcSentToTrader: sent,
                                 rolloverFee: rolloverFee, closingFee: closingFee, fundingFee: funding)
        // The size in coins, × 1e10: notional (USDC × 1e6) / price (× 1e10) × 1e10.
        if chargesFunding == true { fill.coinExposure = Int64(clamping: Int128(notional) * 100_000_000_000_000 / Int128(max(price, 1))) }
        switch event {
        case .takeProfit: fill.kind = 1; fill.orderType = 0
        case .stopLoss: fill.kind = 1; fill.orderType = 1
        case .liquidation: fill.kind = 1; fill.orderType = 2
        default: break
        }
        return fill
    }

    private mutating func takeOrderID() -> Int64 {
        defer { nextOrderID += 1 }
        return nextOrderID
    }
}

/// An open position of the local market.
struct SimulatedPosition: Codable, Sendable, Equatable {
    let trader: Int
    let pair: Int
    let slot: Int
    let buy: Bool
    /// Whole multiples (10 = 10×).
    let leverage: Int64
    /// USDC × 1e6 still open (`initialPosToken`).
    var collateral: Int64
    /// × 1e10.
    let openPrice: Int64
    let openedAt: Int64
    let openedMinute: Int64
    let closeMinute: Int64
    var partialMinute: Int64?
    let takeProfit: Int64
    let stopLoss: Int64

    /// Profit or loss as a fraction of the collateral at `price`, before fees.
    func leveredReturn(at price: Int64) -> Double {
        (Double(price) / Double(openPrice) - 1) * (buy ? 1 : -1) * Double(leverage)
    }

    /// The `Trade` tuple as the contract stores it, for the trader at `address`.
    func trade(_ address: String) -> SimulatedFill.Trade {
        SimulatedFill.Trade(trader: address, pairIndex: pair, index: slot, initialPosToken: collateral, openPrice: openPrice,
                            buy: buy, leverage: leverage * 10_000_000_000, tp: takeProfit, sl: stopLoss, timestamp: openedAt)
    }
}

private extension String {
    init(format32 value: UInt32) {
        let hex = String(value, radix: 16)
        self = String(repeating: "0", count: 8 - hex.count) + hex
    }
}
