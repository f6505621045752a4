/// One trader of the local market, with a style that decides how good and how copyable
/// they are: the leaderboard is expected to find the sharp ones and sink the reckless.
public struct SimulatedTrader: Codable, Sendable, Equatable {
    public enum Style: String, Codable, Sendable, CaseIterable {
        /// Right more often than not, modest leverage, stops and targets on every trade.
        case sharp
        /// A coin flip that pays fees.
        case noisy
        /// Slightly worse than a coin flip at 40–100× with no stop: liquidated often.
        case reckless
    }

    public let address: String
    public let style: Style
    /// Probability of opening on the side the price will really move to by the planned close.
    let foresight: Double
    let leverage: ClosedRange<Double>
    let collateralUSDC: ClosedRange<Double>
    let tradesPerDay: Double
    let holdMinutes: ClosedRange<Double>
    /// Share of trades with a take-profit and stop-loss set.
    let stopShare: Double
    /// Share of opens that are limit orders rather than market orders.
    let limitShare: Double
    /// Share of trades closed in two steps (a partial close first).
    let partialShare: Double

    static func make(style: Style, address: String, random: inout SeededRandom) -> SimulatedTrader {
        switch style {
        case .sharp:
            SimulatedTrader(address: address, style: style, foresight: random.uniform(0.66...0.74), leverage: 3...8,
                            collateralUSDC: 800...3_000, tradesPerDay: random.uniform(12...16), holdMinutes: 60...360,
                            stopShare: 1, limitShare: 0.3, partialShare: 0.3)
        case .noisy:
            SimulatedTrader(address: address, style: style, foresight: 0.5, leverage: 5...25,
                            collateralUSDC: 100...2_000, tradesPerDay: random.uniform(8...16), holdMinutes: 20...480,
                            stopShare: 0.4, limitShare: 0.2, partialShare: 0.2)
        case .reckless:
            SimulatedTrader(address: address, style: style, foresight: 0.47, leverage: 40...100,
                            collateralUSDC: 200...5_000, tradesPerDay: random.uniform(14...20), holdMinutes: 60...600,
                            stopShare: 0, limitShare: 0.1, partialShare: 0.1)
        }
    }
}
