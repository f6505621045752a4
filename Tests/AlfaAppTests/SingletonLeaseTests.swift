@testable import AlfaApp
import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// A singleton (the executor, the poller, the indexer) runs on one replica at a time, also when
/// its lock's connection dies under it: the holder proves its lock every tick and stands down.
@Suite("Singleton lease (real server)", .postgres)
struct SingletonLeaseTests {
    actor Recorder {
        private(set) var running: [String] = []
        private(set) var mostAtOnce = 0
        private(set) var starts: [String] = []

        func start(_ name: String) {
            running.append(name)
            starts.append(name)
            mostAtOnce = max(mostAtOnce, running.count)
        }

        func stop(_ name: String) { running.removeAll { $0 == name } }
    }

    struct Probe: Service {
        let name: String
        let recorder: Recorder

        func run() async throws {
            await recorder.start(name)
            while !Task.isCancelled, !Task.isShuttingDownGracefully { try? await Task.sleep(for: .milliseconds(20)) }
            await recorder.stop(name)
        }
    }

    /// Waits up to a minute for `condition`; a loaded machine is slow, not wrong.
    static func until(_ what: String, _ condition: () async -> Bool) async throws {
        for _ in 0..<600 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("gave up waiting for \(what)")
    }

    /// Ends the session that holds `key`, as a PostgreSQL restart or an operator's kill would.
    static func terminateHolder(of key: Int64, url: String) throws -> Int {
        let admin = try PostgresConnection.connect(url: url)
        defer { admin.close() }
        return try admin.query("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
            """, [key])[0].decode(0, as: Int.self)
    }

    @Test func aTerminatedLockConnectionStandsTheHolderDownBeforeAnyReplicaStartsAgain() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let key = Int64.random(in: 1...Int64.max)
        let recorder = Recorder()
        let logger = Logger(label: "test.lease")
        func replica(_ name: String) -> Task<Void, Error> {
            Task { try await SingletonService(name: "lease test", lockKey: key, url: url, service: Probe(name: name, recorder: recorder),
                                              logger: logger).run() }
        }
        let a = replica("A")
        try await Self.until("A to run") { await recorder.running == ["A"] }
        let b = replica("B")
        try await Task.sleep(for: .seconds(2))
        #expect(await recorder.running == ["A"], "B stands by")

        // The session holding the lock is terminated: A finds out and stands down, and one
        // replica (B, or A again on a new connection) runs it after a stand-down delay.
        for round in 2...3 {
            #expect(try Self.terminateHolder(of: key, url: url) == 1)
            try await Self.until("a replica to run it again") {
                let (starts, running) = (await recorder.starts, await recorder.running)
                return starts.count == round && running.count == 1
            }
        }
        let starts = await recorder.starts
        #expect(await recorder.mostAtOnce == 1, "never two at once: \(starts)")
        a.cancel()
        b.cancel()
        _ = await (a.result, b.result)
    }

    @Test func aProofThatDoesNotAnswerInTimeCountsAsLost() async throws {
        // The lock's connection busy (as a network that stopped answering keeps it): the proof
        // gives up at its deadline, while the query in its way is still running. The deadline
        // runs in virtual time: it passes when the test says, not when a loaded machine gets to it.
        let url = try await AlfaBinary.freshDatabase()
        let clock = ManualClock()
        let busy = DedicatedConnection(url: url, name: "test-busy")
        #expect(try await busy.run { try $0.tryAdvisoryLock(77) })
        #expect(try await SingletonService.proves(77, on: busy, within: .seconds(3), clock: ServiceClock(clock)))
        #expect(clock.sleepers == 0, "an answered proof leaves no timer behind")
        let finished = Recorder()
        let sleeper = Task {
            _ = try? await busy.run { _ = try $0.query("SELECT pg_sleep(60) AS lease_test_sleep") }
            await finished.start("sleeper")
        }
        let admin = try PostgresConnection.connect(url: url)
        defer { admin.close() }
        let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%lease_test_sleep%' AND pid <> pg_backend_pid() AND state = 'active'"
        try await Self.until("the sleep to start") { (try? admin.query(sleeping)[0].decode(0, as: Int.self)) == 1 }
        let proof = Task { try await SingletonService.proves(77, on: busy, within: .seconds(3), clock: ServiceClock(clock)) }
        try await clock.untilSleeping()
        clock.advance(by: .seconds(3))
        #expect(try await !proof.value)
        #expect(await finished.starts.isEmpty, "the proof did not wait for the query in its way")
        _ = try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%lease_test_sleep%' AND pid <> pg_backend_pid()")
        _ = await sleeper.result
        await busy.close()
    }

    /// The fence: a replica that took the lease over takes the next epoch, and a write made under
    /// the old one is refused by the database; a takeover waits for a write in flight to commit.
    @Test func aWriteUnderAStaleEpochIsRefusedAndATakeoverWaitsForOneInFlight() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        try await closing(pool) { pool in
            let (a, b) = (Lease(name: "copy executor"), Lease(name: "copy executor"))
            a.hold(try await pool.withConnection { try LeaseRepository().take("copy executor", on: $0) })
            try await pool.transaction { try a.check(on: $0) }

            // A holds a write open (its check taken FOR SHARE): B's takeover waits for it.
            let holder = try PostgresConnection.connect(url: url)
            let taker = try PostgresConnection.connect(url: url)
            defer { holder.close(); taker.close() }
            try holder.execute("BEGIN")
            try a.check(on: holder)
            try taker.execute("SET statement_timeout = 300")
            #expect(throws: PostgresError.self) { _ = try LeaseRepository().take("copy executor", on: taker) }
            try holder.execute("COMMIT")
            b.hold(try LeaseRepository().take("copy executor", on: taker))
            #expect(try b.epoch() == (try a.epoch()) + 1)

            // From now on A's writes are refused, B's go through.
            do {
                try await pool.transaction { try a.check(on: $0) }
                Issue.record("a write under a stale epoch went through")
            } catch let stale as LeaseRepository.Stale {
                #expect(stale.description.contains("taken over by another replica"))
            }
            try await pool.transaction { try b.check(on: $0) }
        }
    }

    /// A replica shutting down does not take a singleton over: it would start it only to stop
    /// it, and what it began would wait for another start. The takeover's wait runs in virtual
    /// time and the shutdown is triggered at once (ServiceLifecycleTestKit), so the shutdown
    /// lands inside the wait every time.
    @Test func aReplicaShuttingDownDoesNotTakeTheSingletonOver() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let key = Int64.random(in: 1...Int64.max)
        let holder = try PostgresConnection.connect(url: url)
        #expect(try holder.tryAdvisoryLock(key))
        let admin = try PostgresConnection.connect(url: url)
        defer { admin.close() }
        /// Sessions holding this test's lock (pg_locks spans every database of the cluster).
        func holders() throws -> Int {
            try admin.query("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
                """, [key])[0].decode(0, as: Int.self)
        }
        let recorder = Recorder()
        let clock = ManualClock()
        let singleton = SingletonService(name: "lease test", lockKey: key, url: url, service: Probe(name: "B", recorder: recorder),
                                         logger: Logger(label: "test.lease"), clock: ServiceClock(clock))
        try await testGracefulShutdown { shutdown in
            let running = Task { try await singleton.run() }
            try await clock.untilSleeping()  // on standby
            holder.close()
            // Standby tries each second (virtual) until the lock is free; then the takeover waits.
            while try holders() == 0 {
                clock.advance(by: .seconds(1))
                try await clock.untilSleeping()
            }
            shutdown.triggerGracefulShutdown()
            clock.advance(by: .seconds(4))  // the takeover's wait: tick + proof timeout
            try await running.value
        }
        #expect(await recorder.starts.isEmpty, "a replica shutting down started the singleton")
        // The lock goes with its connection, which closes as the service returns.
        try await Self.until("the lock to be released") { (try? holders()) == 0 }
    }
}
