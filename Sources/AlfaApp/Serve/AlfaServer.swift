import AlfaCore
import AlfaSettings
import AlfaStore
import Logging
import ServiceLifecycle

/// `alfa serve`: reports what is configured, checks the database and its migrations,
/// then runs the services until SIGINT or SIGTERM asks for a graceful shutdown.
/// With `console`, the chat is also served on the terminal (stdin/stdout), as an admin.
public enum AlfaServer {
    public static func run(settings: Settings, logger: Logger, console: Bool = false) async throws {
        for item in settings.readiness {
            logger.log(level: item.ready ? .info : .warning, "\(item.part): \(item.detail)")
        }
        // A bad ABI file stops the start, whether or not this replica will index.
        let catalogue = try await IndexerSetup.catalogue(settings.chain)
        let database = try await Database(settings.database)
        do {
            let version = try await database.serverVersion()
            logger.info("database reachable", metadata: ["server": "\(version)"])
            try await database.requireCurrentMigrations()
            let execution = try await ExecutionServices.start(settings: settings, pool: database.pool,
                                                              databaseURL: settings.database.url!.value)
            let refresher = LeaderboardRefresher(pool: database.pool, gates: EligibilityGates(settings.leaderboard),
                                                 prices: execution.control.prices, maxMarkAge: settings.prices.maxAgeSeconds)
            var services: [any Service] = [
                DatabaseHealthService(database: database, intervalSeconds: 15, logger: logger),
                LeaderboardService(refresher: refresher, intervalSeconds: settings.leaderboard.refreshSeconds,
                                   logger: Logger(label: "alfa.leaderboard")),
            ]
            services += execution.services
            var leases = [execution.lease]
            var bot: TelegramBot?
            var alerts = AlertCenter.logOnly(Logger(label: "alfa.alerts"))
            if let token = settings.telegram.botToken {
                let pollerLease = Lease(name: "telegram bot")
                leases.append(pollerLease)
                let telegram = TelegramBot(settings: settings, token: token, pool: database.pool, control: execution.control,
                                           lease: pollerLease)
                bot = telegram
                alerts = telegram.alerts
                execution.alerts.route(to: telegram.alerts)
                // One poller per token: the others stand by, and their alerts wait in the outbox for it.
                services.append(SingletonService(name: "telegram bot", lockKey: TelegramRepository.pollerLockKey,
                                                 url: settings.database.url!.value, service: TelegramBotService(bot: telegram),
                                                 logger: Logger(label: "alfa.telegram"), lease: pollerLease))
            }
            let output = console ? ConsoleOutput() : nil
            services.append(WatchNotifier(pool: database.pool, hasBot: settings.telegram.botToken != nil, console: output?.write,
                                          intervalSeconds: 2, logger: Logger(label: "alfa.watch")))
            if let output {
                if settings.telegram.botToken == nil { execution.routeAlerts(toConsole: output.write) }
                services.append(ConsoleChatService(settings: settings, pool: database.pool, control: execution.control,
                                                   write: output.write))
            }
            if !settings.chain.rpcURLs.isEmpty {
                let indexerLogger = Logger(label: "alfa.indexer")
                let indexerLease = Lease(name: "indexer")
                leases.append(indexerLease)
                let indexer = IndexerService(
                    indexer: try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: catalogue, pool: database.pool,
                                                      logger: indexerLogger, alerts: alerts, lease: indexerLease),
                    stallSeconds: settings.indexer.stallSeconds)
                services.append(SingletonService(name: "indexer", lockKey: IndexerRepository.lockKey,
                                                 url: settings.database.url!.value, service: indexer, logger: indexerLogger,
                                                 lease: indexerLease))
            }
            if let listen = settings.http.listen {
                services.append(HTTPListener.service(settings: settings, listen: listen, pool: database.pool, control: execution.control,
                                                     leases: leases, outboxDepth: { [bot] in await bot?.queue.backlog }))
            }
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                services: (services + [RunningAnnouncement(logger: logger)]).map(Self.configuration),
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
            try await group.run()
            await output?.flush()
            logger.notice("alfa serve stopped cleanly")
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}

extension AlfaServer {
    /// What a service's end does to `alfa serve` (the table in docs/architecture.md). Each one
    /// retries inside what it can outlive: the database or a node away, a lease taken over (the
    /// singletons stand down and compete again). What reaches the group is fatal for the process,
    /// which systemd restarts: the others then stop gracefully, so the outbound queue flushes and
    /// a submission in flight completes. Only the watch pushes are not worth stopping for.
    static func configuration(_ service: any Service) -> ServiceGroupConfiguration.ServiceConfiguration {
        switch service {
        case is WatchNotifier:
            .init(service: service, successTerminationBehavior: .ignore, failureTerminationBehavior: .ignore)
        default:
            // Returning is the end of the console's input, or of the run: the server stops too.
            .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup)
        }
    }
}

/// Says the server is up from inside the group: its signal handlers are installed by then, so a
/// Ctrl-C right after the message stops it cleanly instead of killing it.
private struct RunningAnnouncement: Service {
    let logger: Logger

    func run() async throws {
        logger.notice("alfa serve is running; Ctrl-C or SIGTERM stops it", metadata: ["version": "\(AlfaVersion.current)"])
        try? await gracefulShutdown()
    }
}
