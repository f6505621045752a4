import Foundation

/// The draws the market simulator makes, written out rather than taken from the standard
/// library's `random(in:using:)`, whose algorithms may change between Swift releases:
/// the same seed must replay the same market.
extension SeededRandom {
    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// Uniform integer in `range`; the modulo bias is below 2⁻⁴⁰ for the small ranges used here.
    public mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Standard normal (Box–Muller, one of the pair).
    public mutating func normal() -> Double {
        let u = max(unit(), 0x1p-53)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }
}
