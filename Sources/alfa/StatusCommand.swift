import AlfaApp
import AlfaCore
import AlfaSettings
import ArgumentParser
import Foundation

/// What `/status` and `/copy pnl` show, on the terminal; `--json` is `GET /api/v1/status` and
/// `GET /api/v1/copy/pnl`, from the same definitions.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "The service's status as /status shows it: mode and stop, indexer, leaderboard, breakers, database.",
        discussion: "Reads the stored state; alfa serve need not run. --json prints what GET /api/v1/status answers."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let session = try await CopySession.open()
        let report = await StatusQueries.read(pool: session.database.pool, control: session.execution.control,
                                              configured: session.settings.execution, startedAt: Int64(Date().timeIntervalSince1970))
        await session.database.close()
        print(json ? try StatusJSON.encode(report) : TelegramHTML.plainText(report.html))
    }
}

struct PnLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pnl",
        abstract: "The copy account as /copy pnl shows it: realized PnL net of fees, open positions at their marks.",
        discussion: "--json prints what GET /api/v1/copy/pnl answers."
    )

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
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
        print(output)
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
            let execution = try await ExecutionServices.start(settings: settings, pool: database.pool,
                                                              databaseURL: settings.database.url!.value, verifyLive: false)
            return CopySession(settings: settings, database: database, execution: execution)
        } catch {
            await database.close()
            Startup.fail("\(error)")
        }
    }
}
