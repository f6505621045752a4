import Foundation

/// A pair of the local market and the path its price will follow: the simulator draws
/// the path ahead of time, so a trader's foresight is a look at the real future.
struct SimulatedPair: Codable, Sendable, Equatable {
    let name: String
    /// Standard deviation of a one-minute log return.
    let minuteVolatility: Double
    /// `path[0]` is the price now, `path[k]` the price k minutes from now.
    var path: [Double]

    var price: Double { path[0] }

    /// Prices are scaled by 1e10 on chain.
    static func scaled(_ price: Double) -> Int64 { Int64((price * 1e10).rounded()) }

    init(name: String, price: Double, annualVolatility: Double, lookahead: Int, random: inout SeededRandom) {
        self.name = name
        minuteVolatility = annualVolatility / (365.0 * 24 * 60).squareRoot()
        path = [price]
        while path.count <= lookahead { extend(&random) }
    }

    /// One minute passes: the present moves on, one more minute of future is drawn.
    mutating func advance(_ random: inout SeededRandom) {
        path.removeFirst()
        extend(&random)
    }

    private mutating func extend(_ random: inout SeededRandom) {
        let sigma = minuteVolatility
        path.append(path[path.count - 1] * exp(sigma * random.normal() - sigma * sigma / 2))
    }
}
