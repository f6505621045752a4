@testable import AlfaCore
import Testing

@Suite("Indexer watchdog: a head unchanged too long is a stall")
struct StallWatchTests {
    /// (head seen, at second) → actions, in order, with a 10-second limit from second 0.
    @Test(arguments: [
        // A head that keeps moving is never a stall.
        ([(Int64(1), 3.0), (2, 6), (3, 9), (4, 12)], [[StallWatch.Action](), [], [], []]),
        // No head at all from the start: silent since watching began.
        ([(nil, 5.0), (nil, 10), (nil, 15)], [[], [.alertStalled(silentSeconds: 10), .recordStall(silentSeconds: 10)],
                                             [.recordStall(silentSeconds: 15)]]),
        // Stuck at 7: told once, recorded each time, its end told once.
        ([(7, 1.0), (7, 8), (7, 11), (7, 14), (8, 15), (9, 16)],
         [[], [], [.alertStalled(silentSeconds: 10), .recordStall(silentSeconds: 10)], [.recordStall(silentSeconds: 13)],
          [.alertRecovered], []]),
        // A second stall after a recovery is told again.
        ([(1, 0.0), (1, 10), (2, 11), (2, 21)],
         [[], [.alertStalled(silentSeconds: 10), .recordStall(silentSeconds: 10)], [.alertRecovered],
          [.alertStalled(silentSeconds: 10), .recordStall(silentSeconds: 10)]]),
    ] as [([(Int64?, Double)], [[StallWatch.Action]])])
    func samples(_ samples: [(Int64?, Double)], _ expected: [[StallWatch.Action]]) {
        var watch = StallWatch(limitSeconds: 10, startedAt: 0)
        #expect(samples.map { watch.sample(head: $0.0, at: $0.1) } == expected)
    }
}
