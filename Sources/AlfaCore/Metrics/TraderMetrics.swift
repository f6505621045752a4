/// One trader's realized performance in one window. Money in USDC × 1e6; ratios as doubles.
public struct TraderMetrics: Sendable, Equatable {
    public let trader: EVMAddress
    public let window: TimeWindow
    /// Sum of the clean PnL of the closes in the window.
    public let cleanPnL: Int64
    public let grossPnL: Int64
    public let fees: Int64
    /// Close events (partial closes count each).
    public let closes: Int
    /// Positions completed in the window: one trade each, however many closes it took.
    public let trades: Int
    public let wins: Int
    /// Notional of the opens and closes in the window.
    public let volume: Int64
    /// Winning trades' PnL over losing trades' loss; nil without a losing trade.
    public let profitFactor: Double?
    /// Mean clean PnL per trade.
    public let expectancy: Int64
    /// Largest fall of the realized equity curve from a peak.
    public let maxDrawdown: Int64
    /// `maxDrawdown` over the peak collateral deployed at once.
    public let maxDrawdownPct: Double
    public let peakCollateral: Int64
    public let returnOnPeakCollateral: Double
    /// Sharpe ratio of daily clean PnL (per day, not annualized).
    public let sharpe: Double
    public let probabilisticSharpe: Double
    public let averageLeverage: Double
    public let maxLeverage: Double
    public let liquidations: Int
    public let medianHoldSeconds: Int64?
    /// Share of trades held under a minute: a follower cannot copy those.
    public let shortHoldShare: Double
    public let activeDays: Int
    public let activeWeeks: Int
    public let positiveWeeks: Int
    public let lastTradeTime: Int64?
    public let payoutMismatches: Int
    /// Past this time the window has slid over an event and the metrics must be recomputed;
    /// nil when only new fills can change them.
    public let validUntil: Int64?

    /// Every field, as stored; `init(history:window:asOf:)` computes them.
    public init(
        trader: EVMAddress,
        window: TimeWindow,
        cleanPnL: Int64,
        grossPnL: Int64,
        fees: Int64,
        closes: Int,
        trades: Int,
        wins: Int,
        volume: Int64,
        profitFactor: Double?,
        expectancy: Int64,
        maxDrawdown: Int64,
        maxDrawdownPct: Double,
        peakCollateral: Int64,
        returnOnPeakCollateral: Double,
        sharpe: Double,
        probabilisticSharpe: Double,
        averageLeverage: Double,
        maxLeverage: Double,
        liquidations: Int,
        medianHoldSeconds: Int64?,
        shortHoldShare: Double,
        activeDays: Int,
        activeWeeks: Int,
        positiveWeeks: Int,
        lastTradeTime: Int64?,
        payoutMismatches: Int,
        validUntil: Int64?
    ) {
        self.trader = trader
        self.window = window
        self.cleanPnL = cleanPnL
        self.grossPnL = grossPnL
        self.fees = fees
        self.closes = closes
        self.trades = trades
        self.wins = wins
        self.volume = volume
        self.profitFactor = profitFactor
        self.expectancy = expectancy
        self.maxDrawdown = maxDrawdown
        self.maxDrawdownPct = maxDrawdownPct
        self.peakCollateral = peakCollateral
        self.returnOnPeakCollateral = returnOnPeakCollateral
        self.sharpe = sharpe
        self.probabilisticSharpe = probabilisticSharpe
        self.averageLeverage = averageLeverage
        self.maxLeverage = maxLeverage
        self.liquidations = liquidations
        self.medianHoldSeconds = medianHoldSeconds
        self.shortHoldShare = shortHoldShare
        self.activeDays = activeDays
        self.activeWeeks = activeWeeks
        self.positiveWeeks = positiveWeeks
        self.lastTradeTime = lastTradeTime
        self.payoutMismatches = payoutMismatches
        self.validUntil = validUntil
    }

    public var winRate: Double { trades > 0 ? Double(wins) / Double(trades) : 0 }
}

extension TraderMetrics {
    /// Metrics of `history` in `window` as of `asOf`. Depends only on the fills, not on the
    /// order they were applied in.
    public init(history: TraderHistory, window: TimeWindow, asOf: Int64) {
        var accumulator = WindowAccumulator(window: window, asOf: asOf)
        accumulator.update(with: history, asOf: asOf)
        self = accumulator.metrics(of: history, asOf: asOf)
    }
}
