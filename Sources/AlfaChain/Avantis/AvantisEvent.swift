import AlfaCore

/// A decoded Avantis log.
public enum AvantisEvent: Sendable, Equatable {
    case executed(Execution)
    case openCanceled(orderID: UInt64, trader: EVMAddress, pairIndex: Int32)
    case openingFee(trader: EVMAddress, pairIndex: Int32, isLong: Bool, fee: Int64)
    /// `funding`: signed, positive when the trader paid (v2; 0 before).
    case closingFee(isLong: Bool, collateral: Int64, leverage: Int64, rollover: Int64, closingFee: Int64, funding: Int64)
    case informational(name: String)

    /// A `MarketExecuted` or `LimitExecuted`, with the Trade tuple's fields the fill uses.
    public struct Execution: Sendable, Equatable {
        public var generation: EventGeneration
        public var orderID: UInt64
        /// `MarketExecuted`: nil. `LimitExecuted`: 0 TP, 1 SL, 2 liquidation, 3 limit open.
        public var limitOrderType: UInt8?
        /// `MarketExecuted`'s `open`.
        public var marketOpen: Bool
        /// `PositionSizeIncreased`: collateral added to an open position.
        public var isIncrease = false
        public var trader: EVMAddress
        public var pairIndex: Int32
        public var tradeIndex: Int32
        public var initialPosToken: Int64
        /// `t.openPrice`, where the layout has it: the entry, for plausibility checks.
        public var entryPrice: Int64? = nil
        public var isLong: Bool
        public var leverage: Int64
        public var openTime: Int64
        public var price: Int64
        public var positionSizeUSDC: Int64
        public var percentProfit: Int64
        public var usdcSentToTrader: Int64

        /// Opens and increases put collateral in (and pay an opening fee).
        public var isOpen: Bool { isIncrease || (limitOrderType.map { $0 == 3 } ?? marketOpen) }
    }
}

/// Why a log could not be decoded; the log is kept raw with this reason.
public enum LogRejection: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownTopic(Hash32?)
    case malformed(event: String, reason: String)

    public var description: String {
        switch self {
        case .unknownTopic(let topic): "unknown topic0 \(topic.map(String.init(describing:)) ?? "(none)")"
        case .malformed(let event, let reason): "malformed \(event): \(reason)"
        }
    }
}
