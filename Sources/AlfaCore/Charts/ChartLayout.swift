import Foundation

/// Where everything of an `EquityChart` goes on an image of `width` × `height` pixels: the plot
/// area, the equity line, the drawdown (the area between the running peak and the equity, where
/// the equity is below it), the axes' ticks in USDC and dates. Pure, so it is tested here and the
/// renderer only strokes and fills what it is given.
public struct ChartLayout: Sendable {
    public struct Pixel: Sendable, Equatable {
        public var x: Double
        public var y: Double
    }

    public struct Rect: Sendable, Equatable {
        public var left: Double
        public var top: Double
        public var right: Double
        public var bottom: Double
    }

    public struct Tick: Sendable, Equatable {
        /// x for the time axis, y for the USDC axis.
        public var position: Double
        public var label: String
    }

    public let width: Double
    public let height: Double
    public let plot: Rect
    public let line: [Pixel]
    /// Closed polygons, one per stretch below a peak.
    public let drawdowns: [[Pixel]]
    /// The dashed step from the last realized point to the equity with open positions at their marks.
    public let unrealized: (from: Pixel, to: Pixel)?
    /// The y of zero PnL, when it is inside the plot.
    public let zero: Double?
    public let yTicks: [Tick]
    public let xTicks: [Tick]
    public let title: String
    public let subtitle: String

    /// Large margins: the labels are drawn at `fontSize`, to be read on a phone.
    public init(_ chart: EquityChart, width: Double = 1200, height: Double = 675, fontSize: Double = 30) {
        self.width = width
        self.height = height
        title = chart.title
        let last = chart.unrealized?.equity ?? chart.points.last?.equity ?? 0
        subtitle = "PnL " + FixedPoint.display(last, decimals: 0, signed: true) + " USDC · max drawdown "
            + FixedPoint.display(chart.maxDrawdown, decimals: 0, signed: true) + " USDC"
            + (chart.unrealized == nil ? "" : " · dashed: open positions at their marks")
        plot = Rect(left: fontSize * 4.6, top: fontSize * 3.4, right: width - fontSize * 1.2, bottom: height - fontSize * 1.9)

        var points = chart.points
        if points.isEmpty { points = [EquityChart.Point(time: 0, equity: 0)] }
        let times = points.map(\.time) + (chart.unrealized.map { [$0.time] } ?? [])
        let values = points.map(\.equity) + [0] + (chart.unrealized.map { [$0.equity] } ?? [])
        var (t0, t1) = (Double(times.min()!), Double(times.max()!))
        if t1 - t0 < 3_600 { (t0, t1) = (t1 - 3_600, t1) }
        let yScale = Self.niceScale(low: Double(values.min()!) / 1e6, high: Double(values.max()!) / 1e6)
        let plot = self.plot
        func x(_ time: Int64) -> Double { plot.left + (Double(time) - t0) / (t1 - t0) * (plot.right - plot.left) }
        func y(_ usdc: Double) -> Double { plot.bottom - (usdc - yScale.low) / (yScale.high - yScale.low) * (plot.bottom - plot.top) }

        let thinned = Self.thin(points, columns: Int(plot.right - plot.left), x: x)
        line = thinned.map { Pixel(x: x($0.time), y: y(Double($0.equity) / 1e6)) }
        var drawdowns: [[Pixel]] = []
        var peak = Int64.min
        var stretch: [(time: Int64, peak: Int64, equity: Int64)] = []
        func close() {
            guard stretch.count > 1 else { stretch = []; return }
            let top = stretch.map { Pixel(x: x($0.time), y: y(Double($0.peak) / 1e6)) }
            let bottom = stretch.reversed().map { Pixel(x: x($0.time), y: y(Double($0.equity) / 1e6)) }
            drawdowns.append(top + bottom)
            stretch = []
        }
        for point in thinned {
            if point.equity >= peak {
                // A stretch that went below its peak ends where the equity gets back to it.
                if stretch.count > 1 {
                    stretch.append((point.time, peak, peak))
                    close()
                }
                peak = point.equity
                stretch = [(point.time, peak, peak)]
            } else {
                stretch.append((point.time, peak, point.equity))
            }
        }
        close()
        self.drawdowns = drawdowns
        if let open = chart.unrealized, let from = line.last {
            unrealized = (from, Pixel(x: x(open.time), y: y(Double(open.equity) / 1e6)))
        } else {
            unrealized = nil
        }
        zero = yScale.low <= 0 && yScale.high >= 0 ? y(0) : nil
        yTicks = stride(from: yScale.low, through: yScale.high + yScale.step / 2, by: yScale.step).map {
            Tick(position: y($0), label: Self.usdc($0))
        }
        xTicks = Self.timeTicks(from: t0, to: t1).map { Tick(position: x(Int64($0.time)), label: $0.label) }
    }

    /// At most a few points per pixel column: the first, the lowest, the highest and the last of
    /// each, so a long history draws as fast as a short one and keeps its extremes.
    static func thin(_ points: [EquityChart.Point], columns: Int, x: (Int64) -> Double) -> [EquityChart.Point] {
        guard points.count > columns * 4 else { return points }
        var kept: [EquityChart.Point] = []
        kept.reserveCapacity(columns * 4)
        var start = 0
        while start < points.count {
            let column = Int(x(points[start].time))
            var end = start
            var low = start, high = start
            while end + 1 < points.count, Int(x(points[end + 1].time)) == column {
                end += 1
                if points[end].equity < points[low].equity { low = end }
                if points[end].equity > points[high].equity { high = end }
            }
            for index in Set([start, low, high, end]).sorted() { kept.append(points[index]) }
            start = end + 1
        }
        return kept
    }

    /// Round bounds and a step of 1, 2 or 5 × 10ⁿ giving four to eight ticks.
    static func niceScale(low: Double, high: Double) -> (low: Double, high: Double, step: Double) {
        var (low, high) = (low, high)
        if high - low < 1 { (low, high) = (low - 1, high + 1) }
        let rough = (high - low) / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        return (floor(low / step) * step, ceil(high / step) * step, step)
    }

    /// `-1.2k`, `350`, `2M`: short, so the axis stays narrow.
    static func usdc(_ value: Double) -> String {
        let magnitude = abs(value)
        func trimmed(_ number: Double) -> String {
            let text = String(format: "%.1f", number)
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        if magnitude >= 1_000_000 { return trimmed(value / 1_000_000) + "M" }
        if magnitude >= 1_000 { return trimmed(value / 1_000) + "k" }
        return trimmed(value)
    }

    /// Ticks on whole hours or days (UTC), three to eight of them.
    static func timeTicks(from start: Double, to end: Double) -> [(time: Double, label: String)] {
        let span = end - start
        let steps: [Double] = [3_600, 3 * 3_600, 6 * 3_600, 12 * 3_600, 86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400,
                               30 * 86_400, 91 * 86_400, 182 * 86_400, 365 * 86_400]
        let step = steps.first { span / $0 <= 7 } ?? steps.last!
        var time = (start / step).rounded(.up) * step
        var ticks: [(Double, String)] = []
        while time <= end {
            let stamp = CivilDate.isoTime(unixSeconds: Int64(time))  // 2026-12-05T06:00:00Z
            let label = step < 86_400 ? String(stamp.dropFirst(11).prefix(5)) : String(stamp.dropFirst(5).prefix(5))
            ticks.append((time, label))
            time += step
        }
        return ticks
    }
}
