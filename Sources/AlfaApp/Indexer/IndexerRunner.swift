import AlfaCore
import AlfaSettings
import Logging
import ServiceLifecycle

/// `alfa index`: the indexer alone, as its own process, stopped by SIGINT/SIGTERM or at `throughBlock`.
public enum IndexerRunner {
    public static func run(settings: Settings, database: Database, fromBlock: Int64?, throughBlock: Int64?,
                           logger: Logger) async throws {
        try await database.requireCurrentMigrations()
        let service = IndexerService(
            indexer: try IndexerSetup.indexer(settings.chain, settings.indexer, catalogue: try await IndexerSetup.catalogue(settings.chain),
                                              pool: database.pool, logger: logger),
            stallSeconds: settings.indexer.stallSeconds, fromBlock: fromBlock, throughBlock: throughBlock)
        // Reaching --to-block is a normal end, not a failed service.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        let group = ServiceGroup(configuration: configuration)
        try await group.run()
    }
}
