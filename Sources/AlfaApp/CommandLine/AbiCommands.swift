import Logging

/// `alfa abi inspect` and `alfa abi redecode`.
public enum AbiCommands {
    /// Decodes the stored raw logs the catalogue now knows; prints the report.
    public static func redecode(rangeBlocks: Int64) async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let logger = Logger(label: "alfa.abi")
        let report = await Startup.closing(database) {
            try await database.requireCurrentMigrations()
            return try await Redecoder.run(pool: database.pool, catalogue: try await IndexerSetup.catalogue(settings.chain),
                                           addresses: IndexerSetup.addresses(settings.chain), rangeBlocks: rangeBlocks, logger: logger)
        }
        print(report)
    }

    /// Prints the catalogue and, with `verify`, decodes the logs of the last `blocks` blocks.
    /// Returns whether the verification passed (true without one).
    public static func inspect(verify: Bool, blocks: Int64) async throws -> Bool {
        let settings = try await Startup.settings()
        do {
            print(AbiInspector.catalogue(try await IndexerSetup.catalogue(settings.chain)))
        } catch {
            Startup.fail("\(error)")
        }
        guard verify else { return true }
        do {
            let result = try await AbiInspector.verify(settings: settings, blocks: blocks, logger: Logger(label: "alfa.abi"))
            print(result.report)
            return result.passed
        } catch {
            Startup.fail("\(error)")
        }
    }
}
