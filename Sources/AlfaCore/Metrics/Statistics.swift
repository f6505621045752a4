import Foundation

/// The first four central moments of a series, kept as values arrive or merged in blocks
/// (Pébay, 2008): the Sharpe ratios of a long daily series without keeping the series.
public struct Moments: Sendable, Equatable {
    public private(set) var count = 0
    public private(set) var mean = 0.0
    // Sums of the 2nd, 3rd and 4th powers of the deviations from the mean.
    private var m2 = 0.0, m3 = 0.0, m4 = 0.0

    public init() {}

    public init<S: Sequence<Double>>(_ values: S) {
        for value in values { add(value) }
    }

    /// `count` zeros: a run of idle days.
    public static func zeros(_ count: Int) -> Moments {
        var block = Moments()
        block.count = max(0, count)
        return block
    }

    public mutating func add(_ value: Double) {
        let n0 = Double(count)
        count += 1
        let n = Double(count)
        let delta = value - mean
        let deltaN = delta / n
        let deltaN2 = deltaN * deltaN
        let term = delta * deltaN * n0
        mean += deltaN
        m4 += term * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * m2 - 4 * deltaN * m3
        m3 += term * deltaN * (n - 2) - 3 * deltaN * m2
        m2 += term
    }

    /// The moments of both series, one after the other.
    public func merged(with other: Moments) -> Moments {
        guard other.count > 0 else { return self }
        guard count > 0 else { return other }
        let na = Double(count), nb = Double(other.count)
        let n = na + nb
        let delta = other.mean - mean
        let delta2 = delta * delta
        var result = Moments()
        result.count = count + other.count
        result.mean = mean + delta * nb / n
        result.m2 = m2 + other.m2 + delta2 * na * nb / n
        result.m3 = m3 + other.m3 + delta2 * delta * na * nb * (na - nb) / (n * n)
            + 3 * delta * (na * other.m2 - nb * m2) / n
        result.m4 = m4 + other.m4 + delta2 * delta2 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
            + 6 * delta2 * (na * na * other.m2 + nb * nb * m2) / (n * n) + 4 * delta * (na * other.m3 - nb * m3) / n
        return result
    }

    /// Sample standard deviation (n − 1).
    public var standardDeviation: Double { count > 1 ? max(0, m2 / Double(count - 1)).squareRoot() : 0 }

    /// Skewness and (non-excess) kurtosis, population moments.
    public var shape: (skewness: Double, kurtosis: Double) {
        guard count > 2 else { return (0, 3) }
        let n = Double(count)
        let (c2, c3, c4) = (m2 / n, m3 / n, m4 / n)
        // Below this the spread is rounding noise (a series of equal values).
        guard c2 > 1e-24 * max(1, mean * mean) else { return (0, 3) }
        return (c3 / (c2 * c2.squareRoot()), c4 / (c2 * c2))
    }

    /// Sharpe ratio (per period, not annualized); 0 when the series has no spread.
    public var sharpe: Double {
        let deviation = standardDeviation
        return deviation > 1e-12 * max(1, abs(mean)) ? mean / deviation : 0
    }

    /// Probabilistic Sharpe ratio (Bailey & López de Prado, 2012): the probability that the
    /// true Sharpe ratio exceeds `benchmark`, given the sample's length, skew and kurtosis.
    public func probabilisticSharpe(benchmark: Double = 0) -> Double {
        guard count > 2, standardDeviation > 1e-12 * max(1, abs(mean)) else { return 0.5 }
        let sr = sharpe
        let (skew, kurt) = shape
        let variance = max(1e-12, 1 - skew * sr + (kurt - 1) / 4 * sr * sr)
        let z = (sr - benchmark) * Double(count - 1).squareRoot() / variance.squareRoot()
        return Statistics.normalCDF(z)
    }
}

/// The few statistics the metrics need. Doubles: these are ratios and probabilities, not money.
public enum Statistics {
    public static func mean(_ values: [Double]) -> Double { Moments(values).mean }

    /// Sample standard deviation (n − 1).
    public static func standardDeviation(_ values: [Double]) -> Double { Moments(values).standardDeviation }

    /// Skewness and (non-excess) kurtosis, population moments.
    public static func shape(_ values: [Double]) -> (skewness: Double, kurtosis: Double) { Moments(values).shape }

    /// Sharpe ratio of a series (per period, not annualized); 0 when it has no spread.
    public static func sharpe(_ values: [Double]) -> Double { Moments(values).sharpe }

    /// Probabilistic Sharpe ratio of a series; see `Moments.probabilisticSharpe`.
    public static func probabilisticSharpe(_ values: [Double], benchmark: Double = 0) -> Double {
        Moments(values).probabilisticSharpe(benchmark: benchmark)
    }

    public static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// Lower bound of the Wilson score interval: a win rate shrunk for small samples.
    public static func wilsonLowerBound(successes: Int, trials: Int, z: Double = 1.96) -> Double {
        guard trials > 0 else { return 0 }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let centre = p + z2 / (2 * n)
        let margin = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return max(0, (centre - margin) / (1 + z2 / n))
    }

    /// The median of integers; the mean of the two middle values for an even count.
    /// Selection in linear time (Hoare's quickselect), not a sort: whales have long histories.
    public static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        var scratch = values
        let middle = scratch.count / 2
        let upper = select(&scratch, middle)
        guard scratch.count % 2 == 0 else { return upper }
        // After selection everything left of `middle` is ≤ it: the lower middle is their maximum.
        let lower = scratch[..<middle].max()!
        return lower + (upper - lower) / 2
    }

    /// Puts the k-th smallest element at index k (everything before it ≤, after it ≥) and returns it.
    static func select(_ values: inout [Int64], _ k: Int) -> Int64 {
        var low = 0, high = values.count - 1
        var random = SeededRandom(seed: UInt64(values.count))
        while low < high {
            let pivot = values[Int.random(in: low...high, using: &random)]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return values[k]
    }
}
