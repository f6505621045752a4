/// What the breakers look at, all from the copy account's own history (times in unix seconds).
public struct BreakerInputs: Sendable, Equatable {
    /// One closed copy trade: realized net PnL and the gas it cost, USDC × 1e6.
    public struct Trade: Sendable, Equatable {
        public var time: Int64
        public var netPnL: Int64
        public var grossPnL: Int64
        public var gas: Int64
        public init(time: Int64, netPnL: Int64, grossPnL: Int64, gas: Int64) {
            self.time = time
            self.netPnL = netPnL
            self.grossPnL = grossPnL
            self.gas = gas
        }
    }

    /// One execution attempt (submitted, filled, or failed).
    public struct Execution: Sendable, Equatable {
        public var time: Int64
        public var succeeded: Bool
        public init(time: Int64, succeeded: Bool) {
            self.time = time
            self.succeeded = succeeded
        }
    }

    public struct Sample: Sendable, Equatable {
        public var time: Int64
        public var value: Double
        public init(time: Int64, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// Closed trades in time order.
    public var trades: [Trade]
    /// Execution attempts in time order.
    public var executions: [Execution]
    /// Slippage of each copy fill against the leader's price, in bps, in time order.
    public var slippages: [Sample]
    /// The market's latest prices (every trader's fills) of the pairs the account trades, per pair, in time order.
    public var prices: [Int32: [Sample]]
    /// The capital the drawdown is measured against, USDC × 1e6 (collateral × max open positions).
    public var capital: Int64

    public init(trades: [Trade] = [], executions: [Execution] = [], slippages: [Sample] = [],
                prices: [Int32: [Sample]] = [:], capital: Int64) {
        self.trades = trades
        self.executions = executions
        self.slippages = slippages
        self.prices = prices
        self.capital = capital
    }
}
