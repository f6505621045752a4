/// Exponential backoff with full jitter: attempt n waits a random time up to
/// min(cap, base × 2ⁿ), so retrying clients spread out instead of hammering in step.
public struct RetryBackoff: Sendable {
    public var baseSeconds: Double
    public var capSeconds: Double

    public init(baseSeconds: Double = 0.2, capSeconds: Double = 5) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
    }

    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Double {
        let ceiling = min(capSeconds, baseSeconds * Double(1 << min(attempt, 20)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &random)
    }
}
