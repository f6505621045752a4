/// The arithmetic every benchmark reports with, so their figures mean the same thing.
enum BenchFigures {
    /// The nearest-rank percentile of sorted values (`p` from 0 to 1); 0 for none.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// How long `body` takes, in milliseconds.
    static func milliseconds(of body: () async throws -> Void) async rethrows -> Double {
        let started = ContinuousClock.now
        try await body()
        return milliseconds(ContinuousClock.now - started)
    }
}
