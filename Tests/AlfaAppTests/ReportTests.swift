@testable import AlfaApp
import AlfaCore
import AlfaStore
import Foundation
import Logging
import Testing

/// `/report daily|weekly` and the scheduled daily summary, on a copy account that traded for
/// real (DRY, the local EVM, a real PostgreSQL).
@Suite("Reports: /report and the scheduled daily summary")
struct ReportTests {
    @Test func theReportSumsUpTheCopyAccountBreakersLeadersAndIndexer() async throws {
        let harness = try await CopyHarness()
        defer { Task { await harness.stop() } }
        let openTime = CopyTradingTests.time()
        try await harness.leaderOpens(openTime: openTime)
        try await harness.waitForOrders { $0.first?.status == .filled }
        try await harness.leaderCloses(price: CopyHarness.price + CopyHarness.price / 10, openTime: openTime)
        try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
        let followed = EVMAddress(hex: "0x00000000000000000000000000000000000000c3")!
        _ = await harness.control.follow(followed, by: 1001)
        _ = await harness.control.resetBreaker(.drawdown, by: 1001)

        let daily = await harness.control.report(.daily).plainText
        #expect(daily.hasPrefix("Daily report · "), "\(daily)")
        #expect(daily.contains("Win rate 100 % over 1 closed trade(s) · drawdown 0.0 % from peak"), "\(daily)")
        #expect(daily.contains("Signals 2 → orders 2 → fills 2 (skipped 0, failed 0, in flight 0)"))
        #expect(daily.contains("drawdown reset by admin 1001"))
        #expect(daily.contains("Added: \(followed) (admin 1001)"))
        #expect(daily.contains("2 copied now."))
        // Block times of a fast local chain may run a few seconds ahead of the clock.
        #expect(daily.contains("fill(s) indexed · through block"))
        let pnl = try #require(try await harness.orders().last?.netPnL)
        #expect(pnl > 0 && daily.contains("Clean PnL: \(FixedPoint.display(pnl, signed: true)) USDC"))
        #expect(await harness.control.report(.weekly).plainText.hasPrefix("Weekly report · "))
    }

    @Test func theDailySummaryGoesOutOnceAcrossReplicasAndNotOnANewInstallation() async throws {
        let harness = try await CopyHarness()
        defer { Task { await harness.stop() } }
        let schedule = ReportSchedule(hourUTC: 8)
        let sent = AlertLog()
        let alerts = AlertSink(.console({ sent.append($0) }, logger: Logger(label: "test.reports")))
        func replica(at time: Int64) -> DailyReportService {
            DailyReportService(control: harness.control, pool: harness.pool, alerts: alerts, schedule: schedule,
                               clock: { time }, logger: Logger(label: "test.reports"))
        }
        let due = schedule.lastDue(atOrBefore: CopyTradingTests.time())
        // A new installation: the report due now is recorded, not sent.
        try await replica(at: due + 60).tick()
        #expect(sent.lines.isEmpty)
        // The next day, two replicas: one report.
        try await replica(at: due + 86_400 + 60).tick()
        try await replica(at: due + 86_400 + 90).tick()
        #expect(sent.lines.count == 1)
        #expect(sent.lines.first?.hasPrefix("Daily report · ") == true)
        // A day the service was down for more than twelve hours after the hour: skipped, not sent late.
        try await replica(at: due + 2 * 86_400 + 13 * 3_600).tick()
        #expect(sent.lines.count == 1)
        // Down at the hour, back three hours later: sent then.
        try await replica(at: due + 3 * 86_400 + 3 * 3_600).tick()
        #expect(sent.lines.count == 2)
        let runs = try await harness.pool.withConnection { try $0.query("SELECT count(*) FROM report_runs")[0].decode(0, as: Int64.self) }
        #expect(runs == 3)
    }
}
