/// One open or close as the metrics see it: what a window's totals need and nothing else,
/// in 72 bytes (a `ClosedTrade` takes twice that). Money in USDC × 1e6.
public struct MetricEvent: Sendable, Equatable {
    public let time: Int64
    /// Block number × 2²⁰ + log index: the chain position among events of the same second.
    let chainPosition: Int64
    /// Collateral opened or closed.
    public let collateral: Int64
    public let notional: Int64
    /// An open's leverage (× 1e10) or a close's clean PnL.
    private let leverageOrNet: Int64
    public let grossPnL: Int64
    public let fees: Int64
    /// For the close that completes a position: the position's clean PnL over all its closes.
    public let positionNetPnL: Int64
    public let holdSeconds: Int32
    private let flags: UInt8

    private static let open: UInt8 = 1, liquidation: UInt8 = 2, payoutMismatch: UInt8 = 4, completes: UInt8 = 8

    public var isOpen: Bool { flags & Self.open != 0 }
    public var isLiquidation: Bool { flags & Self.liquidation != 0 }
    public var payoutMismatch: Bool { flags & Self.payoutMismatch != 0 }
    public var completesPosition: Bool { flags & Self.completes != 0 }
    public var leverage: Int64 { isOpen ? leverageOrNet : 0 }
    public var netPnL: Int64 { isOpen ? 0 : leverageOrNet }

    /// An open (or an increase) of `fill`.
    public init(opening fill: Fill) {
        time = fill.blockTime
        chainPosition = Self.chainPosition(fill.blockNumber, fill.logIndex)
        collateral = fill.collateral
        notional = fill.notional
        leverageOrNet = fill.leverage
        (grossPnL, fees, positionNetPnL, holdSeconds) = (0, 0, 0, 0)
        flags = Self.open
    }

    public init(closing trade: ClosedTrade) {
        time = trade.closedAt
        chainPosition = Self.chainPosition(trade.blockNumber, trade.logIndex)
        collateral = trade.collateral
        notional = trade.notional
        leverageOrNet = trade.netPnL
        grossPnL = trade.grossPnL
        fees = trade.fees
        positionNetPnL = trade.positionNetPnL
        holdSeconds = Int32(clamping: trade.holdSeconds)
        flags = (trade.kind == .liquidation ? Self.liquidation : 0) | (trade.payoutMismatch ? Self.payoutMismatch : 0)
            | (trade.completesPosition ? Self.completes : 0)
    }

    private static func chainPosition(_ block: Int64, _ logIndex: Int32) -> Int64 {
        block << 20 | Int64(min(max(logIndex, 0), (1 << 20) - 1))
    }

    /// Chain order: time first (as every window reads it), then the position on chain.
    public static func chainOrder(_ a: MetricEvent, _ b: MetricEvent) -> Bool {
        (a.time, a.chainPosition) < (b.time, b.chainPosition)
    }
}

/// A window's daily clean PnL as moments over the days from the first active day to the
/// last, zeros included: constant memory however long the history.
struct DailySeries: Sendable, Equatable {
    private(set) var firstDay: Int64 = 0
    private(set) var lastDay: Int64 = 0
    private(set) var activeDays = 0
    /// The days before `lastDay`, which can no longer change (events come in chain order).
    private var settled = Moments()
    private var lastDayPnL: Int64 = 0

    mutating func mark(day: Int64, pnl: Int64) {
        if activeDays == 0 {
            (firstDay, lastDay, lastDayPnL, activeDays) = (day, day, pnl, 1)
        } else if day <= lastDay {
            lastDayPnL += pnl
        } else {
            settled.add(Double(lastDayPnL) / 1e6)
            settled = settled.merged(with: .zeros(Int(day - lastDay - 1)))
            (lastDay, lastDayPnL) = (day, pnl)
            activeDays += 1
        }
    }

    /// The series from day `start` through day `end` (at least one day), idle days as zeros.
    func moments(from start: Int64, through end: Int64) -> Moments {
        guard activeDays > 0 else { return .zeros(Int(max(1, end - start + 1))) }
        var series = Moments.zeros(Int(max(0, firstDay - start))).merged(with: settled)
        series.add(Double(lastDayPnL) / 1e6)
        return series.merged(with: .zeros(Int(max(0, end - lastDay))))
    }
}

/// Weeks (epoch-aligned) with closes, and how many of them made money.
struct WeekTally: Sendable, Equatable {
    private var lastWeek: Int64?
    private var lastWeekPnL: Int64 = 0
    private var settledWeeks = 0
    private var settledPositive = 0

    mutating func add(day: Int64, pnl: Int64) {
        let week = day >= 0 ? day / 7 : (day - 6) / 7
        if let lastWeek, week > lastWeek {
            settledWeeks += 1
            if lastWeekPnL > 0 { settledPositive += 1 }
            lastWeekPnL = 0
        }
        lastWeek = max(lastWeek ?? week, week)
        lastWeekPnL += pnl
    }

    var weeks: Int { settledWeeks + (lastWeek == nil ? 0 : 1) }
    var positiveWeeks: Int { settledPositive + (lastWeek != nil && lastWeekPnL > 0 ? 1 : 0) }
}
