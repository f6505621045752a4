import AlfaStore
import Logging
import ServiceLifecycle

/// Probes the database on a timer and logs when it goes away and comes back, so an
/// operator sees an outage in the log even while nothing else is running.
struct DatabaseHealthService: Service {
    let database: Database
    let intervalSeconds: Int
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                var healthy = true
                while !Task.isCancelled {
                    do {
                        _ = try await database.serverVersion()
                        if !healthy { logger.notice("database is reachable again") }
                        healthy = true
                    } catch {
                        if healthy { logger.error("database is unreachable", metadata: ["error": "\(error)"]) }
                        healthy = false
                    }
                    try await Task.sleep(for: .seconds(intervalSeconds))
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }
}
