import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaSystem
import Foundation
import Logging
import ServiceLifecycle

/// The subcommands that run or maintain the service: `serve`, `index`, `simulate`, `migrate`,
/// `chat`, `status`, `pnl`, `config`, `check` and `db optimize`.
public enum ServiceCommands {
    public static func serve(console: Bool) async throws {
        let settings = try await Startup.settings()
        do {
            try await AlfaServer.run(settings: settings, logger: Logger(label: "alfa.serve"), console: console)
        } catch let failure as ConfigurationLoader.Failure {
            Startup.fail(failure.description)
        }
    }

    /// The indexer alone, from the checkpoint (or `fromBlock`), through `toBlock` or forever.
    public static func index(fromBlock: Int64?, toBlock: Int64?) async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let logger = Logger(label: "alfa.indexer")
        await Startup.closing(database) {
            try await IndexerRunner.run(settings: settings, database: database, fromBlock: fromBlock, throughBlock: toBlock,
                                        logger: logger)
        }
        logger.notice("indexer stopped")
    }

    /// Drives the local chain with simulated traders until SIGINT or SIGTERM.
    public static func simulate(statePath: String?, historyOnly: Bool) async throws {
        let settings = try await Startup.settings()
        guard !settings.chain.rpcURLs.isEmpty else { Startup.fail("RPC_URLS is unset: point it at the local chain (commands/run does)") }
        let rpc = JSONRPCClient(urls: settings.chain.rpcURLs, expectedChainID: settings.chain.chainID,
                                timeoutSeconds: Double(settings.chain.rpcTimeoutSeconds))
        let logger = Logger(label: "alfa.simulate")
        let runner = MarketSimulatorRunner(settings: settings.simulator, rpc: rpc, statePath: statePath, historyOnly: historyOnly,
                                           logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            Startup.fail("the market simulator stopped: \(error)")
        }
    }

    /// Applies the pending migrations, or lists them all (`status`). Returns false when one failed.
    public static func migrate(status: Bool) async throws -> Bool {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        do {
            if status {
                for item in try await database.migrationStatus() {
                    let when = item.appliedAt.map { " at \($0.postgresText)" } ?? ""
                    print(String(format: "%04d %@ %@", item.version, item.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                                 item.name) + when)
                }
            } else {
                let applied = try await database.migrate()
                for migration in applied { print("applied \(migration.fileName)") }
                print(applied.isEmpty ? "database is up to date" : "\(applied.count) migration(s) applied")
            }
        } catch {
            await database.close()
            Logger(label: "alfa.migrate").error("migration failed", metadata: ["error": "\(error)"])
            return false
        }
        await database.close()
        return true
    }

    /// The chat on the terminal: commands from stdin, replies on stdout.
    public static func chat(asAdmin: Bool) async throws {
        let session = try await CopySession.open()
        let output = ConsoleOutput()
        session.execution.routeAlerts(toConsole: output.write)
        // stdin is read on a thread of its own: reading blocks.
        let stdin = BlockingWorker(name: "alfa-stdin")
        let input = LineReader()
        await ConsoleChat.run(settings: session.settings, pool: session.database.pool, asAdmin: asAdmin, control: session.execution.control,
                              readLine: { (try? await stdin.run { input.nextLine() }) ?? nil },
                              write: output.write)
        stdin.shutdown()
        await output.flush()
        await session.database.close()
    }

    /// What `/status` shows, or `GET /api/v1/status` answers (`json`).
    public static func status(json: Bool) async throws -> String {
        let session = try await CopySession.open()
        let report = await StatusQueries.read(pool: session.database.pool, control: session.execution.control,
                                              configured: session.settings.execution, startedAt: Int64(Date().timeIntervalSince1970))
        await session.database.close()
        return json ? try StatusJSON.encode(report) : TelegramHTML.plainText(report.html)
    }

    /// What `/copy pnl` shows, or `GET /api/v1/copy/pnl` answers (`json`).
    public static func pnl(json: Bool) async throws -> String {
        let session = try await CopySession.open()
        let output: String
        do {
            let account = try await session.execution.control.account()
            output = json
                ? try CopyAccountJSON.encode(account.performance, account.open, now: account.now,
                                             maxMarkAge: session.settings.prices.maxAgeSeconds)
                : TelegramHTML.plainText(account.performance.html + "\n" + account.open.html(realized: account.performance.realizedPnL))
        } catch {
            await session.database.close()
            Startup.fail("\(error)")
        }
        await session.database.close()
        return output
    }

    /// The effective configuration, secrets as ***.
    public static func configuration() async throws -> String { try await Startup.load().report }

    /// env.production.template, or docs/configuration.md (`markdown`).
    public static func configurationTemplate(markdown: Bool) -> String {
        markdown ? SettingsCatalog.renderMarkdown() : SettingsCatalog.renderTemplate()
    }

    /// The sanity checks, printed; returns whether all passed.
    public static func check() async throws -> Bool {
        let settings = try await Startup.settings()
        let results = await SanityChecks.run(settings: settings)
        print(SanityChecks.render(results))
        return results.allSatisfy(\.passed)
    }

    /// Archives old raw logs, refreshes statistics, reports sizes with advice.
    public static func optimizeDatabase() async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        await Startup.closing(database) {
            try await database.requireCurrentMigrations()
            try await DatabaseMaintenance.optimize(settings: settings.maintenance, pool: database.pool,
                                                   now: Int64(Date().timeIntervalSince1970)) { print($0) }
        }
    }
}

/// The database and the mode manager with the copy engine, as `alfa chat` opens them (no LIVE key read).
struct CopySession {
    let settings: Settings
    let database: Database
    let execution: ExecutionServices

    static func open() async throws -> CopySession {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        do {
            try await database.requireCurrentMigrations()
            // The admin commands act on the stored state: a running alfa serve obeys them within a second.
            let execution = try await ExecutionServices.start(settings: settings, pool: database.pool,
                                                              databaseURL: settings.database.url!.value, verifyLive: false)
            return CopySession(settings: settings, database: database, execution: execution)
        } catch {
            await database.close()
            Startup.fail("\(error)")
        }
    }
}
