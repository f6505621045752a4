import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// `alfa serve`: reports what is configured, checks the database and its migrations,
/// then runs the services until SIGINT or SIGTERM asks for a graceful shutdown.
public enum AlfaServer {
    public static func run(settings: Settings, logger: Logger) async throws {
        for item in settings.readiness {
            logger.log(level: item.ready ? .info : .warning, "\(item.part): \(item.detail)")
        }
        let database = try Database(settings: settings)
        do {
            let version = try await database.serverVersion()
            logger.info("database reachable", metadata: ["server": "\(version)"])
            let pending = try await database.migrationStatus().filter { $0.state == .pending }
            guard pending.isEmpty else {
                throw ConfigurationLoader.Failure(
                    description: "\(pending.count) migration(s) pending: run alfa migrate (commands/run does it for you)")
            }
            let refresher = LeaderboardRefresher(pool: database.pool, gates: EligibilityGates(settings.leaderboard))
            let group = ServiceGroup(
                services: [
                    DatabaseHealthService(database: database, intervalSeconds: 15, logger: logger),
                    LeaderboardService(refresher: refresher, intervalSeconds: settings.leaderboard.refreshSeconds,
                                       logger: Logger(label: "alfa.leaderboard")),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
            logger.notice("alfa serve is running; Ctrl-C or SIGTERM stops it", metadata: ["version": "\(AlfaVersion.current)"])
            try await group.run()
            logger.notice("alfa serve stopped cleanly")
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
