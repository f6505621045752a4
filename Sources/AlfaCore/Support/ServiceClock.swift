/// The time a service reads and sleeps on. It is injected: `alfa serve` gives every service the
/// continuous clock, tests give them a manual one, so their timeouts, retries and schedules run
/// in virtual time and do not depend on how loaded the machine is.
public struct ServiceClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void

    /// Erases `clock`'s type, so that the actors holding it need not be generic.
    public init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleeper = { try await clock.sleep(for: $0) }
    }

    /// Real time that never goes back, which pacing and timeouts need.
    public static let continuous = ServiceClock(ContinuousClock())

    /// Time since this clock was made.
    public var now: Duration { elapsed() }

    /// `now` in seconds.
    public var seconds: Double { now.seconds }

    /// Throws `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws { try await sleeper(duration) }

    /// Sleeps `seconds` (at least zero).
    public func sleep(seconds: Double) async throws { try await sleeper(.seconds(max(0, seconds))) }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
