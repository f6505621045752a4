/// An open position valued at a mark price, in integers: the Avantis SDK's fixed-fee formulas
/// (`compute/pnl.py` `net_pnl`, `compute/liquidation.py` `estimate_liquidation_price`), which
/// mirror the Avantis app. USDC × 1e6; prices, leverage and fee percentages × 1e10.
///
/// - gross = (mark − open) × direction / open × leverage × collateral
/// - closing fee (estimated) = (collateral × leverage + gross) × closeFeePercent / 100
/// - net = gross − closing fee − rollover − funding (funding signed: positive is paid)
/// - liquidation at a loss of 85 % of the collateral, net of rollover and funding:
///   distance = open × (collateral × 85 % − rollover − funding) / (collateral × leverage),
///   below the open for a long, above it for a short.
public struct PositionValuation: Sendable, Equatable {
    /// What is held: the position as opened, and the fees it has accrued so far.
    public struct Position: Sendable, Equatable {
        public var isLong: Bool
        public var openPrice: Int64
        public var collateral: Int64
        public var leverage: Int64
        public var rolloverFee: Int64
        public var fundingFee: Int64

        public init(isLong: Bool, openPrice: Int64, collateral: Int64, leverage: Int64, rolloverFee: Int64 = 0, fundingFee: Int64 = 0) {
            self.isLong = isLong
            self.openPrice = openPrice
            self.collateral = collateral
            self.leverage = leverage
            self.rolloverFee = rolloverFee
            self.fundingFee = fundingFee
        }
    }

    private static let e10: Int64 = 10_000_000_000

    /// The share of the collateral lost at which Avantis liquidates (the SDK's `LIQ_THRESHOLD_P`).
    public static let liquidationThresholdPercent: Int64 = 85

    public let gross: Int64
    public let closingFee: Int64
    public let net: Int64
    public let liquidationPrice: Int64
    /// How far the mark is from the liquidation price, in basis points of the mark; zero or
    /// less once it is reached.
    public let liquidationDistanceBps: Int64

    /// `closeFeePercent`: the pair's closing fee as a percentage × 1e10 (0.06 % is 600,000,000).
    public init(_ position: Position, mark: Int64, closeFeePercent: Int64 = 0) {
        let direction: Int64 = position.isLong ? 1 : -1
        let notional = mulDiv(position.collateral, position.leverage, Self.e10)
        gross = position.openPrice > 0 ? mulDiv(notional, (mark - position.openPrice) * direction, position.openPrice) : 0
        closingFee = max(0, mulDiv(notional + gross, closeFeePercent, 100 * Self.e10))
        net = gross - closingFee - position.rolloverFee - position.fundingFee

        let buffer = mulDiv(position.collateral, Self.liquidationThresholdPercent, 100) - position.rolloverFee - position.fundingFee
        let distance = notional > 0 ? mulDiv(position.openPrice, buffer, notional) : 0
        liquidationPrice = max(0, position.openPrice - distance * direction)
        let room = (mark - liquidationPrice) * direction
        liquidationDistanceBps = mark > 0 ? mulDiv(room, 10_000, mark) : 0
    }
}
