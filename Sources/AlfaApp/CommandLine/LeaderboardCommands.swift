import AlfaCore
import Foundation
import Logging

/// `alfa leaderboard`, `alfa trader` and `alfa backtest`: what the chat shows, on the terminal.
public enum LeaderboardCommands {
    /// The board: the stored snapshot, one recomputed now (`refresh`), or as of a past moment.
    public static func board(top: Int, window: LeaderboardWindow, asOf: Moment?, refresh: Bool, json: Bool) async throws -> String {
        let (rows, time, eligible) = try await Startup.leaderboard(top: top, window: window, asOf: asOf, refresh: refresh)
        return json ? try LeaderboardJSON.board(rows, window: window, asOf: time, eligible: eligible)
                    : LeaderboardText.table(rows[...], window: window, asOf: time, eligible: eligible, style: .plain)
    }

    /// One trader (`address` already checked by `Arguments.isAddress`) in every window.
    public static func trader(_ address: String, asOf: Moment?, json: Bool) async throws -> String {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let report: LeaderboardQueries.TraderReport
        do {
            let now = Int64(Date().timeIntervalSince1970)
            // Marks from the price feed for now; a past moment has only its fills.
            let prices = asOf == nil ? PriceFeed(settings: settings.prices, pool: database.pool, clock: { now },
                                                 logger: Logger(label: "alfa.prices")) : nil
            report = try await LeaderboardQueries.trader(EVMAddress(hex: address)!, asOf: asOf?.unixSeconds ?? now,
                                                         gates: EligibilityGates(settings.leaderboard), pool: database.pool,
                                                         feed: { await prices?.marks(for: $0) ?? [:] },
                                                         maxMarkAge: settings.prices.maxAgeSeconds)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        return json ? try LeaderboardJSON.trader(report) : report.text(style: .plain)
    }

    /// What copying `address` with today's copy settings would have done between `since` and `until`.
    public static func backtest(_ address: String, since: Moment?, until: Moment?, json: Bool) async throws -> String {
        let settings = try await Startup.settings()
        let database = try await Startup.database(settings)
        let result: BacktestResult
        do {
            result = try await BacktestQueries.run(EVMAddress(hex: address)!, since: since?.unixSeconds,
                                                   until: until?.unixSeconds ?? Int64(Date().timeIntervalSince1970),
                                                   copy: settings.copy, pool: database.pool)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        let window = result.from == nil ? "all" : "from \(CivilDate.isoTime(unixSeconds: result.start))"
        return json ? try BacktestJSON.encode(result) : TelegramHTML.plainText(result.html(window: window))
    }
}
