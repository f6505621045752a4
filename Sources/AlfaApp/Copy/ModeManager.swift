import AlfaCore
import Foundation
import AlfaStore
import Logging

/// The execution mode and the emergency stop: decided by `ExecutionModeMachine`, persisted in
/// `execution_state`, announced with NOTIFY so every replica's gate follows within a second.
public actor ModeManager {
    public nonisolated let gate: ExecutionGate
    private let pool: PostgresPool
    private let walletConfigured: Bool
    private let openBreakers: @Sendable () async throws -> [BreakerName]
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let repository = ExecutionRepository()

    /// Reads the stored state and applies the start-up rules under a cross-replica lock.
    public static func start(settings: Settings, pool: PostgresPool,
                             openBreakers: @escaping @Sendable () async throws -> [BreakerName],
                             clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                             logger: Logger) async throws -> ModeManager {
        let now = clock()
        let execution = settings.execution
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
                           openBreakers: openBreakers, clock: clock, logger: logger)
    }

    init(gate: ExecutionGate, pool: PostgresPool, walletConfigured: Bool,
         openBreakers: @escaping @Sendable () async throws -> [BreakerName], clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.gate = gate
        self.pool = pool
        self.walletConfigured = walletConfigured
        self.openBreakers = openBreakers
        self.clock = clock
        self.logger = logger
    }

    public var state: ExecutionState { gate.current }

    /// Why LIVE is refused now, before confirmation is even asked for.
    public func liveRefusal(confirmed: Bool) async -> ExecutionModeMachine.Refusal? {
        let breakers = (try? await openBreakers()) ?? []
        return ExecutionModeMachine.liveRefusal(gate.current, .init(confirmed: confirmed, walletConfigured: walletConfigured,
                                                                    openBreakers: breakers))
    }

    /// Applies a change. A stop closes this process's gate first, then is persisted: nothing
    /// is submitted here after this call begins, and the other replicas follow on NOTIFY.
    public func apply(_ change: ExecutionModeMachine.Change, by actor: ExecutionActor, reason: String?,
                      confirmed: Bool = false) async throws -> Result<ExecutionState, ExecutionModeMachine.Refusal> {
        let breakers = change == .setMode(.live) ? ((try? await openBreakers()) ?? []) : []
        let live = ExecutionModeMachine.LiveConditions(confirmed: confirmed, walletConfigured: walletConfigured, openBreakers: breakers)
        let now = clock()
        if change == .engageStop { await gate.engageStop() }
        let repository = self.repository
        let result = try await pool.transaction { connection -> Result<ExecutionState, ExecutionModeMachine.Refusal> in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [ExecutionRepository.lockKey])
            let stored = try repository.load(on: connection) ?? ExecutionState(
                mode: .dry, emergencyStop: false, changedBy: .environment, changedAt: now, reason: nil)
            let result = ExecutionModeMachine.apply(change, to: stored, by: actor, at: now, reason: reason, live: live)
            if case .success(let next) = result { try repository.save(next, on: connection) }
            return result
        }
        if case .success(let next) = result {
            gate.update(next)
            logger.notice("execution state changed", metadata: [
                "mode": "\(next.mode.rawValue)", "emergency_stop": "\(next.emergencyStop)", "by": "\(actor)",
                "reason": "\(reason ?? "")"])
        }
        return result
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
