/// One keeper execution of the local market, in the fields the mock TradingCallbacks
/// contract takes (and so with the units of Avantis: USDC × 1e6, price and leverage × 1e10,
/// `percentProfit` percent × 1e10). Encoded, it is one entry of `alfa_execute`.
public struct SimulatedFill: Codable, Sendable, Equatable {
    public enum Event: String, Sendable, CaseIterable {
        case marketOpen, limitOpen, partialClose, marketClose, takeProfit, stopLoss, liquidation
    }

    public struct Trade: Codable, Sendable, Equatable {
        public var trader: String
        public var pairIndex: Int
        public var index: Int
        public var initialPosToken: Int64
        public var openPrice: Int64
        public var buy: Bool
        public var leverage: Int64
        public var tp: Int64
        public var sl: Int64
        public var timestamp: Int64
    }

    /// 0 = `MarketExecuted`, 1 = `LimitExecuted`.
    public var kind: Int
    public var orderId: Int64
    public var limitIndex: Int64 = 0
    public var trade: Trade
    public var open: Bool
    /// `LimitExecuted` only: 0 = TP, 1 = SL, 2 = liquidation, 3 = limit open.
    public var orderType: Int = 0
    public var price: Int64
    public var positionSizeUSDC: Int64
    public var percentProfit: Int64 = 0
    public var usdcSentToTrader: Int64 = 0
    public var openingFee: Int64 = 0
    public var rolloverFee: Int64 = 0
    public var closingFee: Int64 = 0
    /// v2 only: funding settled at a close, positive paid by the trader (taken out of the payout).
    public var fundingFee: Int64 = 0
    /// v2 only: the position's coin exposure (× 1e10); informational.
    public var coinExposure: Int64 = 0

    public var event: Event {
        if kind == 0 {
            if open { return .marketOpen }
            return positionSizeUSDC < trade.initialPosToken ? .partialClose : .marketClose
        }
        switch orderType {
        case 0: return .takeProfit
        case 1: return .stopLoss
        case 2: return .liquidation
        default: return .limitOpen
        }
    }
}
