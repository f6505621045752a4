import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// Sends the daily report to admins at REPORT_DAILY_HOUR_UTC. Every replica runs it; the
/// first to record the period in `report_runs` sends it, so admins get it once. A service
/// that was down at that hour sends it when it comes back (up to 12 hours late); a new
/// installation starts with the next one.
struct DailyReportService: Service {
    let control: CopyControl
    let pool: PostgresPool
    let alerts: AlertSink
    let schedule: ReportSchedule
    /// Its Unix time says which report is due; it sleeps on it until the next.
    let clock: ServiceClock
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    do {
                        try await tick()
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        logger.warning("daily report failed; retrying in a minute", metadata: ["error": "\(error)"])
                        try await clock.sleep(for: .seconds(60))
                        continue
                    }
                    let now = clock.unixSeconds
                    try await clock.sleep(for: .seconds(max(1, schedule.nextDue(after: now) - now)))
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    /// Sends the report due now, unless it is stale or another replica (or an earlier run) sent it.
    func tick() async throws {
        let now = clock.unixSeconds
        let due = schedule.lastDue(atOrBefore: now)
        guard schedule.isFresh(due, now: now) else { return }
        // Built before the claim, so the claim is followed at once by the send (the outbox
        // stores it): a crash can lose only what falls between two statements.
        let report = try await control.report(.daily, to: due)
        let claimed = try await pool.withConnection { connection in
            // Nothing recorded yet: a new installation, whose first report is the next one.
            let isNew = try connection.query("SELECT 1 FROM report_runs WHERE kind = 'daily' LIMIT 1").isEmpty
            let inserted = try connection.query(
                "INSERT INTO report_runs (kind, period_end) VALUES ('daily', $1) ON CONFLICT DO NOTHING RETURNING 1",
                [Timestamp(unixSeconds: due)]).count == 1
            return inserted && !isNew
        }
        guard claimed else { return }
        await alerts.current.post(report.html, chart: report.chart, logAs: "daily report")
    }
}
