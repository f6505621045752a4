import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// Refreshes the leaderboard at start and then every `LEADER_REFRESH_SECONDS`.
struct LeaderboardService: Service {
    let refresher: LeaderboardRefresher
    let intervalSeconds: Int64
    let logger: Logger
    var clock: ServiceClock = .continuous

    func run() async throws {
        try await runPeriodically(every: intervalSeconds, on: clock) {
            do {
                let report = try await refresher.refresh()
                Telemetry.shared.leaderboardRefreshed(milliseconds: report.computeMilliseconds)
                logger.info("leaderboard refreshed", metadata: [
                    "new_fills": "\(report.newFills)", "traders": "\(report.traders)",
                    "eligible": "\(report.eligible)", "ms": "\(Int(report.computeMilliseconds))",
                    "rebuilt": "\(report.rebuilt)",
                ])
            } catch {
                logger.error("leaderboard refresh failed; the last snapshot stays in place", metadata: ["error": "\(error)"])
            }
        }
    }
}
