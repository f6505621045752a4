import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation

/// Evaluates the circuit breakers on the copy account's history (after every copy fill and on
/// a timer). A trip is persisted, engages the emergency stop and alerts the admins.
package actor BreakerMonitor {
    private let limits: Settings.Breakers
    /// What the drawdown is measured against: collateral × max open positions.
    private let capital: Int64
    /// PRICE_MAX_AGE_SECONDS: an older mark does not value a position.
    private let maxMarkAge: Int64
    private let pool: PostgresPool
    private let clock: @Sendable () -> Int64
    /// The marks the drawdown values open positions at (nil: realized equity only).
    private let prices: PriceFeed?
    /// Engages the stop when a breaker trips (and alerts the admins).
    private let manager: ModeManager
    private let repository = BreakerRepository()

    init(limits: Settings.Breakers, copy: Settings.Copy, maxMarkAge: Int64, pool: PostgresPool, manager: ModeManager, prices: PriceFeed? = nil, clock: @escaping @Sendable () -> Int64) {
        self.limits = limits
        capital = copy.collateral * copy.maxOpenPositions
        self.maxMarkAge = maxMarkAge
        self.pool = pool
        self.manager = manager
        self.prices = prices
        self.clock = clock
    }

    func openBreakers() async throws -> [BreakerName] {
        try await pool.withConnection { try ModeManager.openBreakers(on: $0) }
    }

    /// Each breaker's figure against its threshold, and whether it is open.
    package func readings() async throws -> [(reading: BreakerReading, isOpen: Bool)] {
        let repository = self.repository
        let now = clock()
        let capital = self.capital
        var (inputs, records, positions) = try await pool.withConnection { connection in
            var inputs = try repository.inputs(capital: capital, on: connection)
            // The market the account is exposed to: pairs held, and pairs traded in the last day.
            let orders = CopyOrderRepository()
            let positions = Array(try orders.mirroredPositions(on: connection).values)
            let traded = try orders.pairsTraded(since: now - 86_400, on: connection)
            inputs.prices = try FillRepository().recentPrices(pairs: Array(Set(positions.map(\.pairIndex) + traded)).sorted(),
                                                              limit: Self.pricesPerPair, on: connection)
            return (inputs, try repository.all(on: connection), positions)
        }
        if let prices, !positions.isEmpty {
            let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
            inputs.unrealized = OpenPositionsReport(positions, marks: marks, now: now, maxAge: maxMarkAge).unrealized
        }
        let since = records.compactMapValues(\.resetAt)
        let readings = BreakerEvaluator.evaluate(inputs, settings: limits, now: now, since: since)
        return readings.map { ($0, records[$0.name]?.isOpen == true) }
    }

    /// Market prices per pair the volatility breaker looks at (its normal level and the last 20 moves).
    static let pricesPerPair = 200

    /// The drawdown breaker's reading over the orders created from `from` to `to`, for reports.
    func drawdown(from: Int64, to: Int64) async throws -> BreakerReading {
        let repository = self.repository
        let capital = self.capital
        let inputs = try await pool.withConnection { try repository.inputs(capital: capital, from: from, until: to, on: $0) }
        return BreakerEvaluator.evaluate(.drawdown, inputs, settings: limits, now: to, since: from)
    }

    /// Trips what must trip; returns the breakers this call opened. Each trip engages the stop,
    /// whose transition alerts the admins with the breaker's reading.
    @discardableResult
    func evaluate() async throws -> [BreakerName] {
        var opened: [BreakerName] = []
        let now = clock()
        for (reading, isOpen) in try await readings() where reading.tripped && !isOpen {
            let repository = self.repository
            guard try await pool.transaction({ try repository.trip(reading, at: now, on: $0) }) else { continue }
            opened.append(reading.name)
            _ = try await manager.apply(.engageStop, by: .breaker(reading.name), reason: reading.detail)
        }
        return opened
    }

    func reset(_ name: BreakerName, by actor: String) async throws -> Bool {
        let repository = self.repository
        let now = clock()
        return try await pool.transaction { try repository.reset(name, by: actor, at: now, on: $0) }
    }
}
