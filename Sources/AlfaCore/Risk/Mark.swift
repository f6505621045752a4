/// A pair's price as alfa values positions with it, saying where it came from and how old it
/// is. Prices × 1e10, times unix seconds.
public struct Mark: Sendable, Equatable {
    public enum Source: String, Sendable {
        /// Pyth Hermes (`PRICE_FEED_URL`).
        case pyth
        /// The pair's latest indexed fill: the fallback when Pyth is stale or away.
        case lastFill = "last fill"
    }

    public let price: Int64
    public let source: Source
    public let publishedAt: Int64

    public init(price: Int64, source: Source, publishedAt: Int64) {
        self.price = price
        self.source = source
        self.publishedAt = publishedAt
    }

    /// A Pyth price (`price` × 10^`expo`) at alfa's 1e10 scale; nil when it does not fit or is not positive.
    public init?(pythPrice price: Int64, expo: Int, publishedAt: Int64) {
        let shift = 10 + expo
        guard price > 0, (-18...18).contains(shift) else { return nil }
        var scaled = Int128(price)
        if shift >= 0 {
            for _ in 0..<shift { scaled *= 10 }
        } else {
            for _ in 0..<(-shift) { scaled /= 10 }
        }
        guard scaled > 0, scaled <= Int128(Int64.max) else { return nil }
        self.init(price: Int64(scaled), source: .pyth, publishedAt: publishedAt)
    }

    public func age(now: Int64) -> Int64 { max(0, now - publishedAt) }

    /// Older than `maxAge`: shown as stale, never used to decide anything.
    public func isStale(now: Int64, maxAge: Int64) -> Bool { age(now: now) > maxAge }

    /// "65,000.00 (pyth, 3 s old)" or "… stale".
    public func describe(now: Int64, maxAge: Int64) -> String {
        let age = age(now: now)
        return FixedPoint.display(price, scale: FixedPoint.priceScale) + " (\(source.rawValue), \(age) s old"
            + (isStale(now: now, maxAge: maxAge) ? ", stale)" : ")")
    }

    /// Pyth while it is fresh; otherwise the newer of the two (a stale mark is still shown, as stale).
    public static func best(pyth: Mark?, lastFill: Mark?, now: Int64, maxAge: Int64) -> Mark? {
        if let pyth, !pyth.isStale(now: now, maxAge: maxAge) { return pyth }
        switch (pyth, lastFill) {
        case (let pyth?, let fill?): return fill.publishedAt > pyth.publishedAt ? fill : pyth
        case (let pyth?, nil): return pyth
        case (nil, let fill): return fill
        }
    }
}
