import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation

/// What `/status` and `GET /api/v1/status` report: one reading for both.
public enum StatusQueries {
    /// `configured`: the mode and stop the environment sets, shown when no mode manager runs here.
    public static func read(pool: PostgresPool, control: (any ExecutionControl)?, configured: Settings.Execution, startedAt: Int64,
                            clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }) async -> StatusReport {
        let started = clock()
        var databaseProblem: String?
        var indexer: StatusReport.Indexer?
        var computedAt: Int64?
        do {
            indexer = try await IndexerStatus.read(pool)
            computedAt = try await pool.withConnection { try LeaderboardRepository().latest(on: $0)?.computedAt.unixSeconds }
        } catch {
            databaseProblem = "\(error)"
        }
        let milliseconds = Int(((clock() - started) * 1000).rounded())
        let lines = await control?.statusLines()
        var report = StatusReport(
            now: Int64(clock()),
            execution: await control?.execution() ?? ExecutionState(mode: configured.mode, emergencyStop: configured.emergencyStop,
                                                                     changedBy: .environment, changedAt: startedAt, reason: nil),
            indexer: indexer,
            leaderboardComputedAt: computedAt, breakers: lines?.breakers, openCopyPositions: lines?.openPositions,
            copyPaused: lines?.paused,
            startedAt: startedAt, version: AlfaVersion.current, databaseProblem: databaseProblem,
            databaseMilliseconds: databaseProblem == nil ? milliseconds : nil)
        report.prices = lines?.prices
        return report
    }
}
