@testable import AlfaApp
import AlfaCore
import AlfaTestSupport
import Testing

/// The HTTP request deadline in virtual time: no test waits 20 s to see a 503.
@Suite("HTTP request deadline (virtual time)")
struct HTTPDeadlineTests {
    @Test func workStillRunningAtTheDeadlineTimesOutAndIsCancelled() async throws {
        let clock = ManualClock()
        let answer = Task {
            try await HTTPGuard.withDeadline(on: ServiceClock(clock)) { () async throws -> Int in
                try await clock.sleep(for: .seconds(3_600))
                return 1
            }
        }
        try await clock.untilSleeping(2)  // the work and the deadline
        clock.advance(by: HTTPGuard.deadline)
        do {
            _ = try await answer.value
            Issue.record("answered after the deadline")
        } catch HTTPGuard.Failure.timedOut {
            // The client gets its 503.
        }
        #expect(clock.sleepers == 0, "the work was cancelled, not left running")
    }

    @Test func anAnswerBeforeTheDeadlineIsReturnedAndItsTimerCancelled() async throws {
        let clock = ManualClock()
        let answer = try await HTTPGuard.withDeadline(on: ServiceClock(clock)) { 42 }
        #expect(answer == 42)
        #expect(clock.sleepers == 0)
    }
}
