@testable import AlfaApp
import AlfaCore
import AlfaTestSupport
import Synchronization
import Testing

/// The indexer's watchdog in virtual time: minutes of silence pass in microseconds, and the
/// test does not depend on how loaded the machine is.
@Suite("Indexer watchdog (virtual time)")
struct StallWatchdogTests {
    @Test func aSilentHeadIsToldOnceRecordedWhileItLastsAndItsEndTold() async throws {
        let clock = ManualClock()
        let head = Mutex<Int64?>(nil)
        let actions = Mutex<[StallWatch.Action]>([])
        let watchdog = StallWatchdog(limitSeconds: 60, clock: ServiceClock(clock), head: { head.withLock { $0 } }) { action in
            actions.withLock { $0.append(action) }
        }
        #expect(watchdog.tick == .seconds(15))
        let running = Task { try await watchdog.run() }

        /// Moves time on by one tick and waits for the watchdog to sleep again.
        func tick(head next: Int64?) async throws {
            head.withLock { $0 = next }
            clock.advance(by: .seconds(15))
            try await clock.untilSleeping()
        }
        try await clock.untilSleeping()
        for _ in 0..<3 { try await tick(head: 100) }      // 45 s on block 100 (first seen at 15 s): quiet
        #expect(actions.withLock { $0 }.isEmpty)
        try await tick(head: 100)                          // 60 s: silent for 45 s
        try await tick(head: 100)                          // 75 s: 60 s, a stall
        try await tick(head: 100)                          // 90 s: still
        try await tick(head: 101)                          // 105 s: a new block
        try await tick(head: 102)
        running.cancel()
        _ = await running.result
        #expect(actions.withLock { $0 } == [.alertStalled(silentSeconds: 60), .recordStall(silentSeconds: 60),
                                           .recordStall(silentSeconds: 75), .alertRecovered])
    }
}
