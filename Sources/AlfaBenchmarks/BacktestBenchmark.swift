import AlfaApp
import AlfaCharts
import AlfaCore
import AlfaSettings
import Foundation

/// `alfa bench backtest`: one leader with `fills` fills (and the minute bars of their pairs)
/// replayed through the copy planner and the DRY fill model, on one core. No database.
public enum BacktestBenchmark {
    /// `chartsDirectory`: also writes the charts of this leader there (the docs' screenshots).
    public static func run(fills count: Int, runs: Int, chartsDirectory: String? = nil) throws -> String {
        var generator = FillGenerator(seed: 18, traderCount: 1, secondsPerFill: 30, openPositionsTarget: 12)
        let fills = generator.generate(count: count)
        let leader = fills[0].trader
        // The pair's minute bars, from the fills themselves (a backtest reads every trader's).
        var bars: [Int64: PriceBar] = [:]
        for fill in fills {
            let minute = fill.blockTime / 60 * 60
            let key = minute << 8 | Int64(fill.pairIndex)
            var bar = bars[key] ?? PriceBar(pairIndex: fill.pairIndex, time: minute, low: fill.price, high: fill.price, close: fill.price)
            bar.low = min(bar.low, fill.price)
            bar.high = max(bar.high, fill.price)
            bar.close = fill.price
            bars[key] = bar
        }
        let sortedBars = bars.values.sorted { ($0.time, $0.pairIndex) < ($1.time, $1.pairIndex) }
        var settings = try Settings(lookup: { ["COPY_STOP_LOSS_PCT": "40", "COPY_TAKE_PROFIT_PCT": "120"][$0] }).copy
        settings.maxOpenPositions = 1_000
        var times: [Double] = []
        var result: BacktestResult?
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            result = Backtester.run(leader: leader, fills: fills, bars: sortedBars, settings: settings, from: nil,
                                    until: fills.last!.blockTime)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let last = result!
        if let chartsDirectory { try writeCharts(leader: leader, fills: fills, backtest: last, to: chartsDirectory) }
        return String(format: "backtest: %d fills (%d minute bars), %d runs: median %.1f ms, best %.1f ms, worst %.1f ms on one core (target < 100 ms)\n",
                      fills.count, sortedBars.count, runs, times[times.count / 2], times[0], times[times.count - 1])
            + "  \(last.opens) opens copied, \(last.mirroredCloses) closes mirrored, \(last.exits) by our SL/TP, \(last.skippedTotal) skipped; "
            + "clean PnL \(FixedPoint.display(last.realizedPnL, signed: true)) USDC"
    }

    /// The leader's own 30-day equity, a copy account that followed it for the last 30 days, and the backtest.
    static func writeCharts(leader: EVMAddress, fills: [Fill], backtest: BacktestResult, to directory: String) throws {
        var history = TraderHistory(trader: leader)
        fills.forEach { history.apply($0) }
        let end = fills.last!.blockTime
        let month = end - 30 * 86_400
        var lastPrices: [Int32: Int64] = [:]
        for fill in fills { lastPrices[fill.pairIndex] = fill.price }
        let open = OpenExposure(history.book.openPositions, marks: lastPrices)
        let own = EquityChart(title: "\(leader.short) · equity · 30d", closes: history.closes.map { RealizedClose(time: $0.closedAt, pnl: $0.netPnL) },
                              start: month, end: end, unrealized: open.unrealized, fileName: "chart-trader.png")
        let account = EquityChart(title: "Copy account · equity", closes: backtest.closes.filter { $0.time >= month }, start: month, end: end,
                              unrealized: backtest.unrealized, fileName: "chart-copy-account.png")
        var tested = backtest.chart
        tested.fileName = "chart-backtest.png"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for chart in [own, account, tested] {
            try Data(try ChartRenderer.render(chart)).write(to: URL(fileURLWithPath: directory).appendingPathComponent(chart.fileName))
        }
    }
}
