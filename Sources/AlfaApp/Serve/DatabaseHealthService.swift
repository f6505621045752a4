import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle
import Synchronization

/// Probes the database on a timer and logs when it goes away and comes back, so an
/// operator sees an outage in the log even while nothing else is running.
struct DatabaseHealthService: Service {
    let database: Database
    let intervalSeconds: Int
    let logger: Logger
    var clock: ServiceClock = .continuous

    func run() async throws {
        let healthy = Mutex(true)
        // Swaps in the new state and says whether it changed, so each transition logs once.
        @Sendable func changed(to now: Bool) -> Bool {
            healthy.withLock { state in
                defer { state = now }
                return state != now
            }
        }
        try await runPeriodically(every: Int64(intervalSeconds), on: clock) {
            do {
                _ = try await database.serverVersion()
                if changed(to: true) { logger.notice("database is reachable again") }
            } catch {
                if changed(to: false) { logger.error("database is unreachable", metadata: ["error": "\(error)"]) }
            }
        }
    }
}
