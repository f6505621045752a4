import AlfaCore
import Synchronization

/// A clock that moves only when a test says so: services given it sleep in virtual time, so a
/// test of a watchdog or a timeout runs in microseconds and never depends on a loaded machine.
public final class ManualClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct Sleeper {
        let id: Int
        let deadline: Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .zero }

    /// How many tasks are asleep on this clock now.
    public var sleepers: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let wake = state.withLock { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if wake { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Sleeps `duration` of this clock's time. Concrete, so no generic `Clock` code runs (see
    /// `ServiceClock.init(elapsed:sleep:unixSeconds:)`).
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now.advanced(by: duration), tolerance: nil)
    }

    /// Moves time on by `duration`, waking every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Moves time on to the earliest sleeper's deadline and wakes it (and any due with it).
    public func advanceToNextDeadline() {
        let next = state.withLock { state in state.sleepers.map(\.deadline).min() }
        guard let next else { return }
        advance(by: now.duration(to: next))
    }

    /// Waits until `count` tasks are asleep on this clock (the service under test has done its
    /// work and waits for time to move).
    public func untilSleeping(_ count: Int = 1) async throws {
        try await until("\(count) task(s) asleep on the clock") { self.sleepers >= count }
    }

    /// Waits until `condition` holds: a few yields (the service under test runs at once), then
    /// naps of a millisecond of real time, so a test waiting on a database does not burn a core
    /// the database and the other tests need. A test waiting for what never comes fails after
    /// `limit` of real time, naming what it waited for, instead of spinning forever.
    public func until(_ what: String = "a sleeper", limit: Duration = .seconds(120),
                      _ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        var polls = 0
        while !condition() {
            guard ContinuousClock.now < deadline else { throw Timeout(waitedFor: what, limit: limit) }
            polls += 1
            if polls < 50 { await Task.yield() } else { try await Task.sleep(for: .milliseconds(1)) }
        }
    }

    public struct Timeout: Error, CustomStringConvertible {
        public let waitedFor: String
        public let limit: Duration
        public var description: String { "waited \(limit) of real time for \(waitedFor)" }
    }
}

extension ServiceClock {
    /// A service clock on `clock`: its elapsed time, its sleeps, and a Unix time that starts at
    /// `unixStart` (2027-01-15 unless told) and moves with it.
    public init(_ clock: ManualClock, unixStart: Double = 1_800_000_000) {
        let start = clock.now
        self.init(elapsed: { start.duration(to: clock.now) }, sleep: { try await clock.sleep(for: $0) },
                  unixSeconds: { unixStart + start.duration(to: clock.now).seconds })
    }
}
