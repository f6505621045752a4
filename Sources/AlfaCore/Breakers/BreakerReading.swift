/// One breaker's current figure against its threshold.
public struct BreakerReading: Sendable, Equatable {
    public var name: BreakerName
    /// nil while there is not enough history to judge.
    public var value: Double?
    public var threshold: Double
    public var tripped: Bool
    /// The figures in words, for `/breakers` and the alert.
    public var detail: String

    public init(name: BreakerName, value: Double?, threshold: Double, tripped: Bool, detail: String) {
        self.name = name
        self.value = value
        self.threshold = threshold
        self.tripped = tripped
        self.detail = detail
    }
}
