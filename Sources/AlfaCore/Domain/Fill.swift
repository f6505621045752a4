/// What a fill did to a position.
public enum FillKind: String, Sendable, CaseIterable {
    case open
    case close
    case partialClose = "partial_close"
    case takeProfit = "take_profit"
    case stopLoss = "stop_loss"
    case liquidation
    /// Collateral added to an open position (v2 `PositionSizeIncreased`): a new lot of the same lifecycle.
    case increase

    public var isClose: Bool { self != .open && self != .increase }
}

/// How the order was placed: at market, or by a limit/TP/SL/liquidation trigger.
public enum OrderType: String, Sendable, CaseIterable {
    case market
    case limit
}

/// One execution on Avantis, as decoded from a `MarketExecuted` or `LimitExecuted` log,
/// with the fees of the same transaction matched to it. Quantities stay raw integers:
/// USDC × 1e6, price and leverage × 1e10, `percentProfit` percent × 1e10.
public struct Fill: Sendable, Equatable {
    // Declared hot fields first: the FIFO replay reads these for millions of fills, and
    // together they fill the first two cache lines of the struct.
    public var trader: EVMAddress
    public var pairIndex: Int32
    public var tradeIndex: Int32
    /// The position lifecycle: the slot `tradeIndex` is reused, `openTime` tells lifecycles apart.
    public var openTime: Int64
    public var blockTime: Int64
    public var blockNumber: Int64
    public var logIndex: Int32
    public var kind: FillKind
    public var isLong: Bool
    public var price: Int64
    public var leverage: Int64
    /// Collateral opened (net of the opening fee) or closed by this fill.
    public var collateral: Int64
    /// USDC paid out to the trader (`usdcSentToTrader`), net of close-side fees.
    public var payout: Int64
    public var openingFee: Int64
    public var closingFee: Int64
    public var rolloverFee: Int64
    /// Funding settled at this close (v2): positive when the trader paid, negative when received.
    /// Already taken out of `payout`, like the other close-side fees.
    public var fundingFee: Int64

    // Where it happened and what else the log said.
    public var blockHash: Hash32
    public var txHash: Hash32
    public var eventGeneration: EventGeneration
    public var orderType: OrderType
    /// The position's collateral before this fill (`t.initialPosToken`).
    public var positionCollateral: Int64
    public var percentProfit: Int64
    /// The keeper's order id (a uint256 on chain; a counter, so it fits 64 bits).
    public var orderID: UInt64

    public init(
        blockNumber: Int64, blockHash: Hash32, blockTime: Int64, txHash: Hash32, logIndex: Int32,
        eventGeneration: EventGeneration, trader: EVMAddress, pairIndex: Int32, tradeIndex: Int32, openTime: Int64,
        kind: FillKind, orderType: OrderType, isLong: Bool, price: Int64, leverage: Int64,
        collateral: Int64, positionCollateral: Int64, percentProfit: Int64, payout: Int64,
        openingFee: Int64, closingFee: Int64, rolloverFee: Int64, fundingFee: Int64 = 0, orderID: UInt64
    ) {
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.blockTime = blockTime
        self.txHash = txHash
        self.logIndex = logIndex
        self.eventGeneration = eventGeneration
        self.trader = trader
        self.pairIndex = pairIndex
        self.tradeIndex = tradeIndex
        self.openTime = openTime
        self.kind = kind
        self.orderType = orderType
        self.isLong = isLong
        self.price = price
        self.leverage = leverage
        self.collateral = collateral
        self.positionCollateral = positionCollateral
        self.percentProfit = percentProfit
        self.payout = payout
        self.openingFee = openingFee
        self.closingFee = closingFee
        self.rolloverFee = rolloverFee
        self.fundingFee = fundingFee
        self.orderID = orderID
    }

    /// A fill with only a price and no fees, for closes no leader fill priced (our own exits, a
    /// leader fill removed by a reorg): the DRY model then charges no fee rates.
    public static func feeless(trader: EVMAddress, pairIndex: Int32, kind: FillKind, isLong: Bool, price: Int64,
                               leverage: Int64, time: Int64) -> Fill {
        Fill(blockNumber: 0, blockHash: .zero, blockTime: time, txHash: .zero, logIndex: 0, eventGeneration: "v1.5",
             trader: trader, pairIndex: pairIndex, tradeIndex: 0, openTime: 0, kind: kind, orderType: .market, isLong: isLong,
             price: price, leverage: leverage, collateral: 0, positionCollateral: 0, percentProfit: 0, payout: 0,
             openingFee: 0, closingFee: 0, rolloverFee: 0, orderID: 0)
    }

    /// Position size in USDC × 1e6: collateral × leverage.
    public var notional: Int64 {
        Int64(clamping: Int128(collateral) * Int128(leverage) / 10_000_000_000)
    }

    /// PnL from prices before fees, for closes: collateral × percentProfit / (100 × 1e10).
    public var grossPnL: Int64 {
        guard kind.isClose else { return 0 }
        return Int64(clamping: Int128(collateral) * Int128(percentProfit) / 1_000_000_000_000)
    }

    /// On-chain net of a close: what was paid out minus the collateral it released.
    public var netPnL: Int64 {
        kind.isClose ? payout - collateral : 0
    }

    /// Every fee this fill carried: the opening fee of an open; rollover, closing fee and
    /// funding of a close.
    public var fees: Int64 { openingFee + closingFee + rolloverFee + fundingFee }
}
