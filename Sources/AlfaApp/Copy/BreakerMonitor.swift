import AlfaCore
import AlfaStore
import Foundation

/// Evaluates the circuit breakers on the copy account's history (after every copy fill and on
/// a timer). A trip is persisted, engages the emergency stop and alerts the admins.
actor BreakerMonitor {
    private let settings: Settings
    private let pool: PostgresPool
    private let clock: @Sendable () -> Int64
    private let alerts: AlertSink
    /// Set once after start-up: the mode manager asks this monitor which breakers are open.
    private var manager: ModeManager?
    private let repository = BreakerRepository()

    init(settings: Settings, pool: PostgresPool, alerts: AlertSink, clock: @escaping @Sendable () -> Int64) {
        self.settings = settings
        self.pool = pool
        self.alerts = alerts
        self.clock = clock
    }

    func attach(_ manager: ModeManager) {
        self.manager = manager
    }

    func openBreakers() async throws -> [BreakerName] {
        let repository = self.repository
        let records = try await pool.withConnection { try repository.all(on: $0) }
        return BreakerName.allCases.filter { records[$0]?.isOpen == true }
    }

    /// Each breaker's figure against its threshold, and whether it is open.
    func readings() async throws -> [(reading: BreakerReading, isOpen: Bool)] {
        let repository = self.repository
        let now = clock()
        let (orders, prices, records) = try await pool.withConnection { connection in
            let orders = try CopyOrderRepository().all(on: connection)
            // The market the account is exposed to: pairs held, and pairs traded in the last day.
            let held = try CopyOrderRepository().mirroredPositions(on: connection).values.map(\.pairIndex)
            let traded = orders.filter { $0.action != .skip && $0.createdAt >= now - 86_400 }.map(\.pairIndex)
            let prices = try FillRepository().recentPrices(pairs: Array(Set(held + traded)).sorted(),
                                                           limit: Self.pricesPerPair, on: connection)
            return (orders, prices, try repository.all(on: connection))
        }
        var inputs = inputs(orders)
        inputs.prices = prices
        let since = records.compactMapValues(\.resetAt)
        let readings = BreakerEvaluator.evaluate(inputs, settings: settings.breakers, now: now, since: since)
        return readings.map { ($0, records[$0.name]?.isOpen == true) }
    }

    /// Market prices per pair the volatility breaker looks at (its normal level and the last 20 moves).
    static let pricesPerPair = 200

    /// The drawdown breaker's reading over the closed trades of `orders` from `from` to `to`, for reports.
    func drawdown(_ orders: [CopyOrder], from: Int64, to: Int64) -> BreakerReading {
        BreakerEvaluator.evaluate(.drawdown, inputs(orders), settings: settings.breakers, now: to, since: from)
    }

    /// Trips what must trip; returns the breakers this call opened.
    @discardableResult
    func evaluate() async throws -> [BreakerName] {
        var opened: [BreakerName] = []
        let now = clock()
        for (reading, isOpen) in try await readings() where reading.tripped && !isOpen {
            let repository = self.repository
            guard try await pool.transaction({ try repository.trip(reading, at: now, on: $0) }) else { continue }
            opened.append(reading.name)
            _ = try await manager?.apply(.engageStop, by: .breaker(reading.name), reason: reading.detail)
            await alerts.current.raise(.critical, "Circuit breaker \(reading.name.rawValue) tripped: emergency stop engaged",
                                detail: reading.detail,
                                action: "Check /copy pnl and /breakers, then /breaker reset \(reading.name.rawValue) and /emergency start.")
        }
        return opened
    }

    func reset(_ name: BreakerName, by actor: String) async throws -> Bool {
        let repository = self.repository
        let now = clock()
        return try await pool.transaction { try repository.reset(name, by: actor, at: now, on: $0) }
    }

    /// The breakers' view of the copy orders (market prices are read apart, see `readings`).
    func inputs(_ orders: [CopyOrder]) -> BreakerInputs {
        var inputs = BreakerInputs(capital: settings.copy.collateral * settings.copy.maxOpenPositions)
        // An open's gas is counted with the first close of its position.
        var openGas = Dictionary(uniqueKeysWithValues: orders.filter { $0.action == .open }.map { ($0.id, $0.gasUSDC) })
        for order in orders where order.action != .skip {
            let time = order.completedAt ?? order.createdAt
            switch order.status {
            case .filled:
                inputs.executions.append(.init(time: time, succeeded: true))
                if let slippage = order.slippageBps { inputs.slippages.append(.init(time: time, value: slippage)) }
                if order.action == .close {
                    let gas = order.gasUSDC + (order.positionOrderID.flatMap { openGas.removeValue(forKey: $0) } ?? 0)
                    inputs.trades.append(.init(time: time, netPnL: order.netPnL, grossPnL: order.grossPnL, gas: gas))
                }
            case .failed, .canceled:
                inputs.executions.append(.init(time: time, succeeded: false))
            default:
                continue
            }
        }
        inputs.trades.sort { $0.time < $1.time }
        inputs.executions.sort { $0.time < $1.time }
        inputs.slippages.sort { $0.time < $1.time }
        return inputs
    }
}
