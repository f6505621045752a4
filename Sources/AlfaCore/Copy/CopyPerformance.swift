/// The copy account's own record: conversion (signals → orders → fills) and clean PnL net of
/// fees and gas, for `/copy pnl`, the breakers and the reports.
public struct CopyPerformance: Sendable, Equatable {
    public var signals = 0
    public var skipped = 0
    public var orders = 0
    public var filled = 0
    public var failed = 0
    public var active = 0
    public var closedTrades = 0
    public var wins = 0
    /// USDC × 1e6.
    public var realizedPnL: Int64 = 0
    public var fees: Int64 = 0
    public var gas: Int64 = 0
    public var openPositions = 0
    /// Our filled closes in the order given: the account's equity curve.
    public var closes: [RealizedClose] = []

    public init() {}

    public init(orders list: [CopyOrder], openPositions: Int) {
        self.openPositions = openPositions
        for order in list {
            signals += 1
            switch order.status {
            case .skipped: skipped += 1; continue
            case .filled: filled += 1
            case .failed, .declined, .expired: failed += 1
            case .intent, .signed, .accepted, .initiated: active += 1
            }
            orders += 1
            fees += order.fee
            gas += order.gasUSDC
            if order.action == .close, order.status == .filled {
                closedTrades += 1
                realizedPnL += order.netPnL
                closes.append(RealizedClose(time: order.completedAt ?? order.createdAt, pnl: order.netPnL))
                if order.netPnL > 0 { wins += 1 }
            }
        }
    }

    /// The copy account's realized equity from `start` (nil: its first close) to `end`, plus
    /// its open positions at their marks when given.
    public func chart(title: String, start: Int64?, end: Int64, unrealized: Int64?) -> EquityChart {
        EquityChart(title: title, closes: closes.sorted { $0.time < $1.time }, start: start, end: end, unrealized: unrealized,
                    fileName: "copy-account.png")
    }

    /// Realized PnL after gas.
    public var netAfterGas: Int64 { realizedPnL - gas }
    public var winRate: Double? { closedTrades > 0 ? Double(wins) / Double(closedTrades) : nil }

    public var html: String {
        let rate = winRate.map { String(Int(($0 * 100).rounded())) + " %" } ?? "—"
        return """
        <b>Copy account</b>
        Signals: \(signals) · skipped \(skipped) · orders \(orders) · filled \(filled) · failed \(failed) · in flight \(active)
        Closed trades: \(closedTrades) · win rate \(rate) · open positions \(openPositions)
        Realized PnL: \(FixedPoint.display(realizedPnL, signed: true)) USDC (fees \(FixedPoint.display(fees)) included)
        Gas: \(FixedPoint.display(gas)) USDC · net after gas \(FixedPoint.display(netAfterGas, signed: true)) USDC
        """
    }
}
