import AlfaCore
import ServiceLifecycle

/// Runs `body` now and then every `seconds` until graceful shutdown; `body` handles its own
/// errors (a service that must go on logs and retries, it does not stop the group).
func runPeriodically(every seconds: Int64, on clock: ServiceClock, _ body: @escaping @Sendable () async -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await body()
                try await clock.sleep(for: .seconds(seconds))
            }
        }
    } catch is CancellationError {
        // Graceful shutdown.
    }
}
