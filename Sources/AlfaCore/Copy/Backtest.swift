/// One pair's prices over a minute, from every fill of the pair (all traders): what our own
/// stop-loss and take-profit are checked against between the leader's fills, and the last
/// price open positions are valued at.
public struct PriceBar: Sendable, Equatable {
    public var pairIndex: Int32
    /// The minute's start, unix seconds.
    public var time: Int64
    /// × 1e10.
    public var low: Int64
    public var high: Int64
    /// The minute's last price.
    public var close: Int64

    public init(pairIndex: Int32, time: Int64, low: Int64, high: Int64, close: Int64) {
        self.pairIndex = pairIndex
        self.time = time
        self.low = low
        self.high = high
        self.close = close
    }
}

/// "What would copying this trader have done with my current settings": the leader's fills
/// replayed through the real `CopyPlanner` (today's settings with the leader's own overrides),
/// filled by the DRY model (`DryFillSimulator`: slippage, the leader's fee rates), with our own
/// stop-loss and take-profit checked against the pair's minute bars. Pure: the caller loads.
public enum Backtester {
    /// `fills`: the leader's, in chain order (fills outside `from...until` are not signals);
    /// `bars`: in time order.
    public static func run(leader: EVMAddress, fills: [Fill], bars: [PriceBar], settings: CopyPolicy,
                           overrides: LeaderSettings = LeaderSettings(), from: Int64?, until: Int64) -> BacktestResult {
        struct Key: Hashable { let pair: Int32; let slot: Int32; let openTime: Int64 }
        var result = BacktestResult(leader: leader, from: from, until: until)
        var mirrors: [Key: MirroredPosition] = [:]
        var lastPrice: [Int32: Int64] = [:]
        var barIndex = 0
        let start = from ?? fills.first?.blockTime ?? until

        func realize(_ fill: DryFillSimulator.SimulatedFill, at time: Int64) {
            result.closes.append(RealizedClose(time: time, pnl: fill.netPnL))
            result.fees += fill.fee
        }
        // Our exits on the bars up to `time` (exclusive), stop-loss first within a bar.
        func checkExits(before time: Int64) {
            while barIndex < bars.count, bars[barIndex].time < time {
                let bar = bars[barIndex]
                barIndex += 1
                guard bar.time >= start else { continue }
                lastPrice[bar.pairIndex] = bar.close
                for (key, position) in mirrors where key.pair == bar.pairIndex {
                    let worst = position.isLong ? bar.low : bar.high
                    let best = position.isLong ? bar.high : bar.low
                    let level: Int64?
                    if position.exits.hit(mark: worst, isLong: position.isLong) == .stopLoss { level = position.exits.stopLoss }
                    else if position.exits.hit(mark: best, isLong: position.isLong) == .takeProfit { level = position.exits.takeProfit }
                    else { level = nil }
                    guard let level else { continue }
                    let close = CopyClose(position: position, collateral: position.remainingCollateral, isFull: true, price: level)
                    // Like the DRY executor's own exits: at the level, without the leader's fee rates.
                    let reference = Fill.feeless(trader: leader, pairIndex: bar.pairIndex, kind: .close, isLong: position.isLong,
                                                 price: level, leverage: position.leverage, time: bar.time)
                    // Somewhere in the bar's minute: counted at its end.
                    realize(DryFillSimulator.close(close, leader: reference, slippageBps: settings.slippageBps), at: bar.time + 59)
                    result.exits += 1
                    mirrors[key] = nil
                }
            }
        }

        for fill in fills where fill.blockTime >= start && fill.blockTime <= until {
            checkExits(before: fill.blockTime)
            lastPrice[fill.pairIndex] = fill.price
            result.signals += 1
            let key = Key(pair: fill.pairIndex, slot: fill.tradeIndex, openTime: fill.openTime)
            let decision = CopyPlanner.plan(fill, settings: settings, leader: overrides, now: fill.blockTime,
                                            openPositions: Int64(mirrors.count), leaderOpenPositions: Int64(mirrors.count),
                                            mirror: mirrors[key])
            switch decision {
            case .open(let open):
                let simulated = DryFillSimulator.open(open, leader: fill)
                result.opens += 1
                var position = MirroredPosition(openOrderID: Int64(result.opens), pairIndex: open.pairIndex, isLong: open.isLong,
                                                entryPrice: simulated.price, leverage: open.leverage,
                                                remainingCollateral: simulated.collateral, remainingOpeningFee: simulated.fee)
                position.exits = open.exits
                mirrors[key] = position
                result.fees += simulated.fee
            case .close(let close):
                // A leader's own settings never change the slippage: the environment's applies to every copy.
                let simulated = DryFillSimulator.close(close, leader: fill, slippageBps: settings.slippageBps)
                realize(simulated, at: fill.blockTime)
                result.mirroredCloses += 1
                if close.isFull {
                    mirrors[key] = nil
                } else {
                    mirrors[key]?.remainingCollateral -= close.collateral
                    mirrors[key]?.remainingOpeningFee -= simulated.openingFeeReleased
                }
            case .skip(let reason):
                result.skipped[reason.description, default: 0] += 1
            }
        }
        checkExits(before: until + 1)
        for position in mirrors.values {
            guard let price = lastPrice[position.pairIndex] else { continue }
            result.unrealized += DryFillSimulator.grossPnL(collateral: position.remainingCollateral, leverage: position.leverage,
                                                          entry: position.entryPrice, exit: price, isLong: position.isLong)
                - position.remainingOpeningFee
        }
        result.openAtEnd = mirrors.count
        result.start = start
        return result
    }
}

/// What a backtest found. Money USDC × 1e6.
public struct BacktestResult: Sendable, Equatable {
    public var leader: EVMAddress
    public var from: Int64?
    public var until: Int64
    /// Where the replay started: `from`, or the leader's first fill.
    public var start: Int64 = 0
    /// Leader fills in the window.
    public var signals = 0
    public var opens = 0
    /// Closes mirrored from the leader's.
    public var mirroredCloses = 0
    /// Positions closed by our own stop-loss or take-profit.
    public var exits = 0
    /// Skips by their reason, as the copy engine words it.
    public var skipped: [String: Int] = [:]
    public var closes: [RealizedClose] = []
    /// Opening and closing fees of our simulated fills.
    public var fees: Int64 = 0
    public var openAtEnd = 0
    /// Positions still open at the end, at the pair's last price, less their opening fees.
    public var unrealized: Int64 = 0

    public init(leader: EVMAddress, from: Int64?, until: Int64) {
        self.leader = leader
        self.from = from
        self.until = until
    }

    /// Clean PnL of our closes: net of slippage and every fee.
    public var realizedPnL: Int64 { closes.reduce(0) { $0 + $1.pnl } }
    public var wins: Int { closes.count { $0.pnl > 0 } }
    public var winRate: Double? { closes.isEmpty ? nil : Double(wins) / Double(closes.count) }
    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    public var chart: EquityChart {
        EquityChart(title: "Backtest \(leader.short) · \(from == nil ? "all" : CivilDate.isoTime(unixSeconds: start).prefix(10) + " →")",
                    closes: closes, start: start, end: until,
                    unrealized: openAtEnd > 0 ? unrealized : nil, fileName: "backtest-\(leader.hexDigits.prefix(8)).png")
    }

    public var maxDrawdown: Int64 { chart.maxDrawdown }

    public func html(window: String) -> String {
        let rate = winRate.map { "\(Int(($0 * 100).rounded())) %" } ?? "—"
        var lines = [
            "<b>Backtest of \(leader.short) · \(window)</b> (today's copy settings, DRY fill model)",
            "Clean PnL \(FixedPoint.display(realizedPnL, signed: true)) USDC · fees \(FixedPoint.display(fees)) · max drawdown \(FixedPoint.display(maxDrawdown, signed: true))",
            "Closed trades \(closes.count) · win rate \(rate) · by our SL/TP \(exits)",
            "Signals \(signals) → opens copied \(opens), closes mirrored \(mirroredCloses), skipped \(skippedTotal)",
        ]
        if openAtEnd > 0 { lines.append("Still open: \(openAtEnd) · \(FixedPoint.display(unrealized, signed: true)) USDC at the last prices") }
        for (reason, count) in skipped.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            lines.append("  skipped \(count) × \(TelegramHTML.escape(reason))")
        }
        return lines.joined(separator: "\n")
    }
}
