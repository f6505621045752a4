import AlfaCore

/// Samples the indexer's head on `clock` and performs the stall watch's decisions. The clock is
/// injected: `alfa serve` runs it on the continuous clock, tests on a manual one.
struct StallWatchdog: Sendable {
    let limitSeconds: Int64
    let clock: ServiceClock
    /// The last head the indexer read; nil before the first.
    let head: @Sendable () -> Int64?
    let perform: @Sendable (StallWatch.Action) async -> Void

    /// A quarter of the limit, between 1 and 30 s: a stall is noticed within a quarter of its length.
    var tick: Duration { .seconds(max(1, min(limitSeconds / 4, 30))) }

    func run() async throws {
        var watch = StallWatch(limitSeconds: limitSeconds, startedAt: clock.seconds)
        while !Task.isCancelled {
            try await clock.sleep(for: tick)
            for action in watch.sample(head: head(), at: clock.seconds) { await perform(action) }
        }
    }
}
