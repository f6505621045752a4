import AlfaCore
import AlfaStore

/// `alfa export fills|orders|leaderboard`: CSV or JSON on stdout, in human units.
public enum ExportCommands {
    /// Fills, optionally of one trader (`trader` already checked), within blocks and times.
    public static func fills(format: ExportFormat, trader: String?, fromBlock: Int64?, toBlock: Int64?, since: Moment?,
                             until: Moment?) async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let filter = FillRepository.Filter(trader: trader.flatMap { EVMAddress(hex: $0) }, fromBlock: fromBlock, toBlock: toBlock,
                                           since: since?.unixSeconds, until: until?.unixSeconds)
        await Startup.closing(database) {
            try await FillExporter.write(format: format, filter, pool: database.pool) { print($0, terminator: "") }
        }
    }

    /// Copy orders created between `since` and `until`, each with the leader fill that caused it.
    public static func orders(format: ExportFormat, since: Moment?, until: Moment?) async throws {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let orders = await Startup.closing(database) {
            try await CopyQueries.orders(since: since?.unixSeconds, until: until?.unixSeconds, pool: database.pool)
        }
        print(OrderExport.render(orders, format: format), terminator: "")
    }

    /// The stored board, or ranked as of `asOf`.
    public static func leaderboard(format: ExportFormat, window: LeaderboardWindow, top: Int, asOf: Moment?) async throws {
        let (rows, time, eligible) = try await Startup.leaderboard(top: top, window: window, asOf: asOf, refresh: false)
        switch format {
        case .csv: print(LeaderboardJSON.csv(rows), terminator: "")
        case .json: print(try LeaderboardJSON.board(rows, window: window, asOf: time, eligible: eligible))
        }
    }
}
