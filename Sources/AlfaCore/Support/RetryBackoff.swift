import Foundation

/// Exponential backoff with jitter: attempt n waits between half and all of
/// min(cap, base × factorⁿ), so retrying clients spread out instead of hammering in step.
public struct RetryBackoff: Sendable {
    public var baseSeconds: Double
    public var capSeconds: Double
    public var factor: Double

    public init(baseSeconds: Double = 0.2, capSeconds: Double = 5, factor: Double = 2) {
        self.baseSeconds = baseSeconds
        self.capSeconds = capSeconds
        self.factor = factor
    }

    public func delay(attempt: Int, using random: inout some RandomNumberGenerator) -> Double {
        let ceiling = min(capSeconds, baseSeconds * pow(factor, Double(min(attempt, 60))))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2), using: &random)
    }
}
