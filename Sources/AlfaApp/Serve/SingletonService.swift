import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// Runs `service` on one replica only: the one holding a PostgreSQL advisory lock on a
/// connection of its own. The others wait; when the holder dies its connection closes,
/// PostgreSQL releases the lock and a waiting replica takes over within seconds.
///
/// The holder proves its lock every tick with a query on that connection (`holdsAdvisoryLock`),
/// answered within `proofTimeout`; the moment it cannot (a PostgreSQL restart, a terminated
/// backend, a network that stopped answering) the service is cancelled. The server releases a
/// session lock only when the session is gone, and a session that is gone cannot answer the
/// proof, so the old holder stops within `tick + proofTimeout` of losing it; a replica that
/// takes the lock over (it waited on standby, or held it and lost it) waits that long before it
/// starts, so the two never run at once. A holder frozen longer than that, then thawed
/// mid-write, is fenced by its `lease`: each takeover takes the next epoch, and the writes that
/// only the holder may make are refused by the database under a stale one.
struct SingletonService: Service {
    let name: String
    let lockKey: Int64
    let url: String
    let service: any Service
    let logger: Logger
    /// Set while this replica holds the lock (its epoch), nil otherwise.
    var lease: Lease? = nil
    var tick: Duration = .seconds(1)
    var proofTimeout: Duration = .seconds(3)
    /// What the ticks, the stand-down delay and the proof's deadline run on.
    var clock: ServiceClock = .continuous

    func run() async throws {
        var connection = DedicatedConnection(url: url, name: "alfa-lock-\(name)")
        defer { Task { [connection] in await connection.close() } }
        var announcedStandby = false
        var takingOver = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let answer = try? await connection.run { [lockKey] in try $0.tryAdvisoryLock(lockKey) }
            if answer != nil { lease?.answered() }
            let holding = answer ?? false
            guard holding else {
                if !announcedStandby { logger.notice("\(name) on standby: another replica runs it") }
                announcedStandby = true
                takingOver = true
                try? await clock.sleep(for: .seconds(1))
                continue
            }
            if takingOver {
                // The previous holder may still be finding out it lost the lock: let it stand down first.
                try? await clock.sleep(for: tick + proofTimeout)
                guard try await Self.proves(lockKey, on: connection, within: proofTimeout, clock: clock) else { continue }
            }
            // A replica shutting down does not take a singleton over: it would start only to stop,
            // and what it began (a takeover's first notices) would wait for another start.
            if Task.isShuttingDownGracefully { break }
            var epoch: Int64?
            if let lease {
                guard let taken = try? await connection.run({ try LeaseRepository().take(lease.name, on: $0) }) else { continue }
                lease.hold(taken)
                epoch = taken
            }
            // With the epoch, these two lines are what the soak proves "never two at once" from.
            logger.notice("this replica runs the \(name)", metadata: epoch.map { ["epoch": "\($0)"] } ?? [:])
            announcedStandby = false
            let lost = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { [name, logger] in
                    do {
                        try await service.run()
                    } catch let error where Self.isTransient(error) {
                        // The database went away under it (a restart) or another replica took the
                        // lease: not a reason to stop the process. Stand down and compete again.
                        logger.warning("\(name) stopped: \(error); standing down to compete for it again")
                        return true
                    }
                    return false
                }
                group.addTask { [connection, lockKey, tick, proofTimeout, clock, name, logger] in
                    // Losing the lock's connection loses the lock: stop, and compete for it again.
                    while try await Self.proves(lockKey, on: connection, within: proofTimeout, clock: clock) { try await clock.sleep(for: tick) }
                    logger.warning("\(name): the lock could not be proven on its connection")
                    return true
                }
                let lost = try await group.next() ?? false
                group.cancelAll()
                return lost
            }
            lease?.hold(nil)
            logger.notice("this replica no longer runs the \(name)", metadata: epoch.map { ["epoch": "\($0)"] } ?? [:])
            takingOver = true
            if lost {
                logger.warning("\(name): standing down; the lock is given up with its connection")
                // A proof may still hang on the old connection's thread: start afresh on a new one.
                Task { [connection] in await connection.close() }
                connection = DedicatedConnection(url: url, name: "alfa-lock-\(name)")
            }
        }
    }

    /// Failures a singleton outlives by standing down: the database away, or its lease taken over.
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PostgresError { return error.kind == .connectionFailed || error.kind == .connectionLost }
        return error is LeaseRepository.Stale
    }

    /// Whether the lock's connection answers, within `timeout`, that it holds the lock. The
    /// proof runs unstructured: a query stuck in libpq on a dead network is not waited for.
    static func proves(_ key: Int64, on connection: DedicatedConnection, within timeout: Duration,
                       clock: ServiceClock = .continuous) async throws -> Bool {
        let answer = await firstAnswer(within: timeout, on: clock) { try await connection.run { try $0.holdsAdvisoryLock(key) } }
        try Task.checkCancellation()
        return (try? answer?.get()) == true
    }
}
