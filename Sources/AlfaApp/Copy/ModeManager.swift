import AlfaCore
import AlfaSettings
import Foundation
import AlfaStore
import Logging

/// The execution mode and the emergency stop: `ExecutionModeMachine` decides, this performs its
/// actions. The state is persisted in `execution_state` and announced with NOTIFY, so every
/// replica's gate follows within a second.
public actor ModeManager {
    public nonisolated let gate: ExecutionGate
    private let pool: PostgresPool
    private let walletConfigured: Bool
    private let alerts: AlertSink
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let repository = ExecutionRepository()

    /// Reads the stored state and applies the start-up rules under a cross-replica lock.
    public static func start(execution: Settings.Execution, pool: PostgresPool, alerts: AlertSink,
                             clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                             logger: Logger) async throws -> ModeManager {
        let now = clock()
        let state = try await pool.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [ExecutionRepository.lockKey])
            let repository = ExecutionRepository()
            let stored = try repository.load(on: connection)
            let state = ExecutionModeMachine.startup(stored: stored, environmentMode: execution.mode,
                                                     environmentStop: execution.emergencyStop, now: now)
            if state != stored { try repository.save(state, on: connection) }
            return state
        }
        logger.notice("execution state", metadata: [
            "mode": "\(state.mode.rawValue)", "emergency_stop": "\(state.emergencyStop)", "changed_by": "\(state.changedBy)"])
        return ModeManager(gate: ExecutionGate(state), pool: pool, walletConfigured: execution.isLiveConfigured,
                           alerts: alerts, clock: clock, logger: logger)
    }

    init(gate: ExecutionGate, pool: PostgresPool, walletConfigured: Bool, alerts: AlertSink,
         clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.gate = gate
        self.pool = pool
        self.walletConfigured = walletConfigured
        self.alerts = alerts
        self.clock = clock
        self.logger = logger
    }

    public var state: ExecutionState { gate.current }

    /// Why LIVE is refused now, before confirmation is even asked for.
    public func liveRefusal(confirmed: Bool) async -> ExecutionModeMachine.Refusal? {
        let breakers = (try? await pool.withConnection { try Self.openBreakers(on: $0) }) ?? []
        return ExecutionModeMachine.liveRefusal(gate.current, .init(confirmed: confirmed, walletConfigured: walletConfigured,
                                                                    openBreakers: breakers))
    }

    /// Applies a change: the machine's actions before the stored state is read (a stop closes
    /// this process's gate), then, under the cross-replica lock, the transition's.
    public func apply(_ change: ExecutionModeMachine.Change, by actor: ExecutionActor, reason: String?,
                      confirmed: Bool = false) async throws -> Result<ExecutionState, ExecutionModeMachine.Refusal> {
        for action in ExecutionModeMachine.before(change) { try await perform(action, by: actor) }
        let now = clock()
        let walletConfigured = self.walletConfigured
        let repository = self.repository
        let result = try await pool.transaction { connection -> Result<ExecutionModeMachine.Transition, ExecutionModeMachine.Refusal> in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [ExecutionRepository.lockKey])
            let stored = try repository.load(on: connection) ?? ExecutionState(
                mode: .dry, emergencyStop: false, changedBy: .environment, changedAt: now, reason: nil)
            let breakers = change == .setMode(.live) ? try Self.openBreakers(on: connection) : []
            let live = ExecutionModeMachine.LiveConditions(confirmed: confirmed, walletConfigured: walletConfigured,
                                                           openBreakers: breakers)
            let result = ExecutionModeMachine.transition(change, from: stored, by: actor, at: now, reason: reason, live: live)
            // Persisting belongs to the transaction that read the stored state.
            for case .persist(let next) in (try? result.get())?.actions ?? [] { try repository.save(next, on: connection) }
            return result
        }
        switch result {
        case .success(let transition):
            for action in transition.actions { try await perform(action, by: actor) }
            return .success(transition.next)
        case .failure(let refusal):
            return .failure(refusal)
        }
    }

    private func perform(_ action: ExecutionModeMachine.Action, by actor: ExecutionActor) async throws {
        switch action {
        case .closeGate:
            await gate.engageStop()
        case .persist:
            break  // done in the transaction that read the stored state
        case .updateGate(let next):
            gate.update(next)
            logger.notice("execution state changed", metadata: [
                "mode": "\(next.mode.rawValue)", "emergency_stop": "\(next.emergencyStop)", "by": "\(actor)",
                "reason": "\(next.reason ?? "")"])
        case .alert(let alert):
            await alerts.current.raise(alert)
        }
    }

    /// The breakers open now, as stored (every replica's monitor trips them there).
    static func openBreakers(on connection: PostgresConnection) throws -> [BreakerName] {
        let records = try BreakerRepository().all(on: connection)
        return BreakerName.allCases.filter { records[$0]?.isOpen == true }
    }

    /// Re-reads the stored state (on NOTIFY, and periodically as a safety net).
    public func reload() async throws {
        let repository = self.repository
        if let stored = try await pool.withConnection({ try repository.load(on: $0) }), stored != gate.current {
            gate.update(stored)
            logger.notice("execution state followed", metadata: [
                "mode": "\(stored.mode.rawValue)", "emergency_stop": "\(stored.emergencyStop)", "by": "\(stored.changedBy)"])
        }
    }
}
