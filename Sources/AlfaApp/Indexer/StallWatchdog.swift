import AlfaCore

/// Samples the indexer's head on `clock` and performs the stall watch's decisions. The clock is
/// injected: `alfa serve` runs it on the continuous clock, tests on a manual one.
struct StallWatchdog<C: Clock>: Sendable where C.Duration == Duration {
    let limitSeconds: Int64
    let clock: C
    /// The last head the indexer read; nil before the first.
    let head: @Sendable () -> Int64?
    let perform: @Sendable (StallWatch.Action) async -> Void

    /// A quarter of the limit, between 1 and 30 s: a stall is noticed within a quarter of its length.
    var tick: Duration { .seconds(max(1, min(limitSeconds / 4, 30))) }

    func run() async throws {
        let start = clock.now
        var watch = StallWatch(limitSeconds: limitSeconds, startedAt: 0)
        while !Task.isCancelled {
            try await clock.sleep(for: tick)
            let elapsed = start.duration(to: clock.now).components
            let now = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            for action in watch.sample(head: head(), at: now) { await perform(action) }
        }
    }
}
