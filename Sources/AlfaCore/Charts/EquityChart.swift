/// One realized close on an equity curve: when, and its clean PnL (USDC × 1e6).
public struct RealizedClose: Sendable, Equatable {
    public var time: Int64
    public var pnl: Int64

    public init(time: Int64, pnl: Int64) {
        self.time = time
        self.pnl = pnl
    }
}

/// An equity curve to draw, in data units: a trader's realized PnL (and, where marks exist,
/// the open positions at their marks), our copy account's, a report's. Drawing it is the
/// renderer's work (cairo, at the edge); `ChartLayout` places it on the image.
public struct EquityChart: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var time: Int64
        /// Cumulative clean PnL, USDC × 1e6.
        public var equity: Int64

        public init(time: Int64, equity: Int64) {
            self.time = time
            self.equity = equity
        }
    }

    public var title: String
    /// Realized equity after each close, in time order, starting at 0 where the window starts.
    public var points: [Point]
    /// The last realized equity plus the open positions at their marks, at the time of the marks.
    public var unrealized: Point?
    /// A name for the PNG file: letters, digits, `-` and `.` only.
    public var fileName: String

    public init(title: String, points: [Point], unrealized: Point? = nil, fileName: String) {
        self.title = title
        self.points = points
        self.unrealized = unrealized
        self.fileName = String(fileName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" })
    }

    /// A curve from closes (time, clean PnL), the window starting at `start` (nil: the first close).
    public init(title: String, closes: [RealizedClose], start: Int64?, end: Int64, unrealized: Int64? = nil, fileName: String) {
        var points: [Point] = []
        points.reserveCapacity(closes.count + 2)
        let first = start ?? closes.first?.time ?? end
        points.append(Point(time: first, equity: 0))
        var equity: Int64 = 0
        for close in closes where close.time >= first && close.time <= end {
            equity += close.pnl
            points.append(Point(time: close.time, equity: equity))
        }
        if points.count == 1 || points[points.count - 1].time < end { points.append(Point(time: end, equity: equity)) }
        self.init(title: title, points: points, unrealized: unrealized.map { Point(time: end, equity: equity + $0) }, fileName: fileName)
    }

    /// The deepest fall from a running peak, USDC × 1e6 (0 or negative).
    public var maxDrawdown: Int64 {
        var peak = Int64.min
        var deepest: Int64 = 0
        for point in points {
            peak = max(peak, point.equity)
            deepest = min(deepest, point.equity - peak)
        }
        return deepest
    }
}
