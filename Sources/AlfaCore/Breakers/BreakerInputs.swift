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
    /// The open positions' unrealized PnL at fresh marks, USDC × 1e6: equity = capital + realized + this.
    public var unrealized: Int64 = 0

    public init(trades: [Trade] = [], executions: [Execution] = [], slippages: [Sample] = [],
                prices: [Int32: [Sample]] = [:], capital: Int64) {
        self.trades = trades
        self.executions = executions
        self.slippages = slippages
        self.prices = prices
        self.capital = capital
    }
}

extension BreakerInputs {
    /// A copy order that reached its end (filled, failed or canceled; never a skip), as the breakers read it.
    public struct SettledOrder: Sendable, Equatable {
        public var id: Int64
        public var time: Int64
        public var filled: Bool
        public var isClose: Bool
        public var positionOrderID: Int64?
        public var netPnL: Int64
        public var grossPnL: Int64
        public var gas: Int64
        public var slippageBps: Double?

        public init(id: Int64, time: Int64, filled: Bool, isClose: Bool, positionOrderID: Int64?, netPnL: Int64, grossPnL: Int64,
                    gas: Int64, slippageBps: Double?) {
            self.id = id
            self.time = time
            self.filled = filled
            self.isClose = isClose
            self.positionOrderID = positionOrderID
            self.netPnL = netPnL
            self.grossPnL = grossPnL
            self.gas = gas
            self.slippageBps = slippageBps
        }
    }

    /// The history from settled orders in id order: every one an execution attempt, every fill a
    /// slippage sample, every filled close a trade carrying its open's gas on the position's first close.
    public init(settled: [SettledOrder], capital: Int64) {
        self.init(capital: capital)
        var openGas: [Int64: Int64] = [:]
        for order in settled {
            executions.append(.init(time: order.time, succeeded: order.filled))
            guard order.filled else { continue }
            if let slippage = order.slippageBps { slippages.append(.init(time: order.time, value: slippage)) }
            if !order.isClose {
                openGas[order.id] = order.gas
            } else {
                let gas = order.gas + (order.positionOrderID.flatMap { openGas.removeValue(forKey: $0) } ?? 0)
                trades.append(.init(time: order.time, netPnL: order.netPnL, grossPnL: order.grossPnL, gas: gas))
            }
        }
        // Id order is creation order; the breakers read completion order (a stable sort keeps ties by id).
        trades.sort { $0.time < $1.time }
        executions.sort { $0.time < $1.time }
        slippages.sort { $0.time < $1.time }
    }
}
