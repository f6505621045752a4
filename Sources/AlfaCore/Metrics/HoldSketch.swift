import Foundation

/// The median of a trader's hold times in bounded memory. Up to `exactLimit` holds it keeps
/// them and the median is exact; past that it counts them in logarithmic buckets ⌊log₁.₀₂ h⌋,
/// a bucket standing for the one value within (γ − 1)/(γ + 1) < 1 % of all it holds, so the
/// median is within 1 % (and half a second) of the exact one
/// (a whale's million trades cost a few kilobytes, not megabytes).
public struct HoldSketch: Sendable, Equatable {
    public static let exactLimit = 512
    /// Bucket growth: a bucket's middle is within (γ − 1)/(γ + 1) < 1 % of any value in it.
    static let gamma = 1.02
    private static let logGamma = log(gamma)

    public private(set) var count = 0
    /// The holds themselves, while there are at most `exactLimit`; nil once counted in buckets.
    private var exact: [Int32]? = []
    /// Holds under a second (and any negative one, from a bad clock): they count as 0.
    private var underASecond = 0
    /// Bucket `firstBucket + i` holds `buckets[i]` values.
    private var firstBucket = 0
    private var buckets: [UInt32] = []

    public init() {}

    public mutating func add(_ seconds: Int64) {
        count += 1
        if exact != nil {
            if exact!.count < Self.exactLimit {
                exact!.append(Int32(clamping: seconds))
                return
            }
            let kept = exact!
            exact = nil
            for value in kept { tally(Int64(value)) }
        }
        tally(seconds)
    }

    private mutating func tally(_ seconds: Int64) {
        guard seconds >= 1 else {
            underASecond += 1
            return
        }
        let bucket = Int((log(Double(seconds)) / Self.logGamma).rounded(.down))
        if buckets.isEmpty {
            firstBucket = bucket
            buckets = [0]
        } else if bucket < firstBucket {
            buckets.insert(contentsOf: repeatElement(0, count: firstBucket - bucket), at: 0)
            firstBucket = bucket
        } else if bucket >= firstBucket + buckets.count {
            buckets.append(contentsOf: repeatElement(0, count: bucket - firstBucket - buckets.count + 1))
        }
        buckets[bucket - firstBucket] += 1
    }

    /// The median: the middle value, or the mean of the two middle ones. Exact up to
    /// `exactLimit` holds, within 1 % past it; nil without a hold.
    public var median: Int64? {
        guard count > 0 else { return nil }
        if let exact { return Statistics.median(exact.map(Int64.init)) }
        let lower = value(atRank: (count - 1) / 2), upper = value(atRank: count / 2)
        return lower + (upper - lower) / 2
    }

    /// The value standing for the hold of the given rank (0-based, ascending).
    private func value(atRank rank: Int) -> Int64 {
        if rank < underASecond { return 0 }
        var seen = underASecond
        for (offset, bucketCount) in buckets.enumerated() {
            seen += Int(bucketCount)
            if rank < seen {
                let low = pow(Self.gamma, Double(firstBucket + offset))
                return Int64((low * 2 * Self.gamma / (1 + Self.gamma)).rounded())
            }
        }
        return 0
    }
}
