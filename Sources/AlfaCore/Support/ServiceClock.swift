import Foundation

/// The time a service reads and sleeps on. It is injected: `alfa serve` gives every service the
/// continuous clock, tests give them a manual one, so their timeouts, retries and schedules run
/// in virtual time and do not depend on how loaded the machine is.
public struct ServiceClock: Sendable {
    private let elapsed: @Sendable () -> Duration
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let unix: @Sendable () -> Double

    /// A clock made of its three operations (a test's manual clock). Not generic over `Clock`
    /// on purpose: Swift 6.3's runtime crashed resolving a clock's `Instant` type concurrently
    /// in unspecialized code (`swift_getAssociatedTypeWitness`, 1 test run in 6).
    public init(elapsed: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
                unixSeconds: @escaping @Sendable () -> Double) {
        self.elapsed = elapsed
        sleeper = sleep
        unix = unixSeconds
    }

    private init(continuous: ContinuousClock) {
        let start = continuous.now
        elapsed = { start.duration(to: continuous.now) }
        sleeper = { try await Task.sleep(for: $0) }
        unix = { Date().timeIntervalSince1970 }
    }

    /// Real time: elapsed time that never goes back, which pacing and timeouts need, and the
    /// system's Unix time, which schedules and records need.
    public static let continuous = ServiceClock(continuous: ContinuousClock())

    /// Unix time in whole seconds.
    public var unixSeconds: Int64 { Int64(unix().rounded(.down)) }

    /// Unix time in whole milliseconds.
    public var unixMilliseconds: Int64 { Int64((unix() * 1_000).rounded(.down)) }

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
