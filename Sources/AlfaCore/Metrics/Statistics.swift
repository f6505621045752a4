import Foundation

/// The few statistics the metrics need. Doubles: these are ratios and probabilities, not money.
public enum Statistics {
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1).
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// Skewness and (non-excess) kurtosis, population moments.
    public static func shape(_ values: [Double]) -> (skewness: Double, kurtosis: Double) {
        guard values.count > 2 else { return (0, 3) }
        let m = mean(values)
        let n = Double(values.count)
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for value in values {
            let d = value - m
            let d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
        }
        (m2, m3, m4) = (m2 / n, m3 / n, m4 / n)
        guard m2 > 0 else { return (0, 3) }
        return (m3 / (m2 * m2.squareRoot()), m4 / (m2 * m2))
    }

    /// Sharpe ratio of a series (per period, not annualized); 0 when it has no spread.
    public static func sharpe(_ values: [Double]) -> Double {
        let deviation = standardDeviation(values)
        return deviation > 0 ? mean(values) / deviation : 0
    }

    /// Probabilistic Sharpe ratio (Bailey & López de Prado, 2012): the probability that the
    /// true Sharpe ratio exceeds `benchmark`, given the sample's length, skew and kurtosis.
    public static func probabilisticSharpe(_ values: [Double], benchmark: Double = 0) -> Double {
        guard values.count > 2, standardDeviation(values) > 0 else { return 0.5 }
        let sr = sharpe(values)
        let (skew, kurt) = shape(values)
        let variance = max(1e-12, 1 - skew * sr + (kurt - 1) / 4 * sr * sr)
        let z = (sr - benchmark) * Double(values.count - 1).squareRoot() / variance.squareRoot()
        return normalCDF(z)
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
