@testable import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Testing

/// The readiness probe's deadline in virtual time: a database that stops answering fails the
/// check the moment the deadline passes on the probe's clock, and the probe never hangs on it.
@Suite("Readiness probe (real server, virtual time)", .postgres)
struct ReadinessProbeTests {
    @Test func aDatabaseThatDoesNotAnswerFailsTheCheckAtTheDeadlineThenRecovers() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        await pool.close()
        let settings = try Settings(lookup: { _ in nil })
        let clock = ManualClock()
        let probe = ReadinessProbe(databaseURL: Secret(url), chain: settings.chain, stallSeconds: 60, leases: [],
                                   clock: ServiceClock(clock))
        #expect(await probe.check().checks[0].ok)

        // Another session holds the indexer's table: the probe's read waits behind it, as on a stuck server.
        let holder = try PostgresConnection.connect(url: url)
        defer { holder.close() }
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE indexer_state IN ACCESS EXCLUSIVE MODE")
        clock.advance(by: .seconds(1))  // past the half second a report is shared for
        let stuck = Task { await probe.check() }
        try await clock.untilSleeping()
        clock.advance(by: ReadinessProbe.deadline)
        let report = await stuck.value
        #expect(report.checks[0] == .database(problem: "no answer within 3.0 seconds", milliseconds: nil))
        #expect(!report.isReady)

        try holder.execute("ROLLBACK")
        clock.advance(by: .seconds(1))
        #expect(await probe.check().checks[0].ok)
        #expect(clock.sleepers == 0, "an answered probe leaves no timer behind")
    }
}
