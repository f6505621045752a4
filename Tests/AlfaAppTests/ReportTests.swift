@testable import AlfaApp
import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import Testing

/// `/report daily|weekly` and the scheduled daily summary, on a copy account that traded for
/// real (DRY, the local EVM, a real PostgreSQL).
@Suite("Reports: /report and the scheduled daily summary", .postgres)
struct ReportTests {
    @Test func theReportSumsUpTheCopyAccountBreakersLeadersAndIndexer() async throws {
        try await withCopyHarness { harness in
            let openTime = CopyTradingTests.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.first?.status == .filled }
            try await harness.leaderCloses(price: CopyHarness.price + CopyHarness.price / 10, openTime: openTime)
            try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
            let followed = EVMAddress(hex: "0x00000000000000000000000000000000000000c3")!
            _ = await harness.control.follow(followed, by: 1001)
            _ = await harness.control.resetBreaker(.drawdown, by: 1001)

            // The executor records the new leader set on its next step.
            let daily = try await eventually({ await harness.control.report(.daily).plainText },
                                             until: { $0.contains("(admin 1001)") })
            #expect(daily.hasPrefix("Daily report · "), "\(daily)")
            #expect(daily.contains("Win rate 100 % over 1 closed trade(s) · drawdown 0.0 % from peak"), "\(daily)")
            #expect(daily.contains("Signals 2 → orders 2 → fills 2 (skipped 0, failed 0, in flight 0)"))
            #expect(daily.contains("drawdown reset by admin 1001"))
            #expect(daily.contains("Added: \(CopyHarness.leader) (COPY_LEADERS), \(followed) (admin 1001)"), "\(daily)")
            #expect(daily.contains("2 copied now."))
            // Block times of a fast local chain may run a few seconds ahead of the clock.
            #expect(daily.contains("fill(s) indexed · through block"))
            let pnl = try #require(try await harness.orders().last?.netPnL)
            #expect(pnl > 0 && daily.contains("Clean PnL: \(FixedPoint.display(pnl, signed: true)) USDC"))
            #expect(daily.contains("Open now: 0 position(s), unrealized 0.00 USDC · equity PnL \(FixedPoint.display(pnl, signed: true)) USDC"),
                    "\(daily)")
            #expect(await harness.control.report(.weekly).plainText.hasPrefix("Weekly report · "))
        }
    }

    @Test func leaderSetChangesAreAttributedToTheAdminOrTheLeaderboard() async throws {
        let pool = try await AlfaBinary.migratedPool()
        let (a, b, c) = (EVMAddress(hex: "0x" + String(repeating: "a", count: 40))!, EVMAddress(hex: "0x" + String(repeating: "b", count: 40))!,
                         EVMAddress(hex: "0x" + String(repeating: "c", count: 40))!)
        let repository = CopyOrderRepository()
        let (first, again, moved) = try await pool.withConnection { connection in
            let first = try repository.recordLeaderSet([a, b], otherwise: "leaderboard top 2", on: connection)
            let again = try repository.recordLeaderSet([b, a], otherwise: "leaderboard top 2", on: connection)
            try repository.setLeader(c, followed: true, by: "admin 7", on: connection)
            try repository.setLeader(a, followed: false, by: "admin 8", on: connection)
            // b left the top K by itself; a was unfollowed; c was followed.
            let moved = try repository.recordLeaderSet([c], otherwise: "leaderboard top 2", on: connection)
            return (first, again, moved)
        }
        #expect(first.map(\.leader) == [a, b] && first.allSatisfy { $0.added && $0.by == "leaderboard top 2" })
        #expect(again.isEmpty)
        #expect(moved.map { "\($0.leader) \($0.added) \($0.by)" } == [
            "\(a) false admin 8", "\(b) false leaderboard top 2", "\(c) true admin 7"])
        let stored = try await pool.withConnection { try repository.leaderChanges(from: 0, to: 4_000_000_000, on: $0) }
        #expect(stored.count == 5)
        await pool.close()
    }

    @Test func theDailySummaryGoesOutOnceAcrossReplicasAndNotOnANewInstallation() async throws {
        try await withCopyHarness { harness in
            let schedule = ReportSchedule(hourUTC: 8)
            let sent = AlertLog()
            let alerts = AlertSink(.console({ sent.append($0) }, logger: Logger(label: "test.reports")))
            func replica(at time: Int64, on clock: ManualClock = ManualClock()) -> DailyReportService {
                DailyReportService(control: harness.control, pool: harness.pool, alerts: alerts, schedule: schedule,
                                   clock: ServiceClock(clock, unixStart: Double(time)), logger: Logger(label: "test.reports"))
            }
            // Each report is printed with its chart's file.
            func reports() -> [String] { sent.lines.filter { !$0.hasPrefix("chart: ") } }
            let due = schedule.lastDue(atOrBefore: CopyTradingTests.time())
            // A new installation: the report due now is recorded, not sent.
            try await replica(at: due + 60).tick()
            #expect(sent.lines.isEmpty)
            // The next day, two replicas: one report.
            try await replica(at: due + 86_400 + 60).tick()
            try await replica(at: due + 86_400 + 90).tick()
            #expect(reports().count == 1)
            #expect(reports().first?.hasPrefix("Daily report · ") == true)
            let charted = sent.lines.contains { $0.hasPrefix("chart: ") && $0.hasSuffix("copy-account.png") }
            #expect(charted)
            // A day the service was down for more than twelve hours after the hour: skipped, not sent late.
            try await replica(at: due + 2 * 86_400 + 13 * 3_600).tick()
            #expect(reports().count == 1)
            // Down at the hour, back three hours later: sent then.
            try await replica(at: due + 3 * 86_400 + 3 * 3_600).tick()
            #expect(reports().count == 2)
            let runs = try await harness.pool.withConnection { try $0.query("SELECT count(*) FROM report_runs")[0].decode(0, as: Int64.self) }
            #expect(runs == 3)

            // As a service, in virtual time: ten minutes before the next hour it has nothing to
            // send and sleeps until the hour; then it sends that day's report, once.
            let clock = ManualClock()
            let service = replica(at: due + 4 * 86_400 - 600, on: clock)
            let running = Task { try await service.run() }
            try await clock.untilSleeping()
            #expect(reports().count == 2)
            clock.advanceToNextDeadline()
            #expect(clock.now.offset == .seconds(600))
            try await clock.until("the day's report") { sent.lines.filter { !$0.hasPrefix("chart: ") }.count == 3 }
            try await clock.untilSleeping()
            running.cancel()
            _ = await running.result
            #expect(reports().count == 3)
        }
    }
}
