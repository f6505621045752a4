/// The indexer's liveness watchdog as a decision: the head it last saw, sampled now and then.
/// A head unchanged for `limitSeconds` is a stall: told once, recorded on every sample while it
/// lasts (`/status` shows how long), and its end told once. Times are seconds on any clock.
public struct StallWatch: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case alertStalled(silentSeconds: Int64)
        case recordStall(silentSeconds: Int64)
        case alertRecovered
    }

    public let limitSeconds: Int64
    private var head: Int64?
    private var since: Double
    private var alerted = false

    /// `startedAt`: when watching began; no head seen yet counts as silence from then.
    public init(limitSeconds: Int64, startedAt: Double) {
        self.limitSeconds = limitSeconds
        since = startedAt
    }

    public mutating func sample(head: Int64?, at now: Double) -> [Action] {
        if head != self.head {
            self.head = head
            since = now
        }
        let silent = now - since
        if silent >= Double(limitSeconds) {
            defer { alerted = true }
            let seconds = Int64(silent)
            return (alerted ? [] : [.alertStalled(silentSeconds: seconds)]) + [.recordStall(silentSeconds: seconds)]
        }
        guard alerted else { return [] }
        alerted = false
        return [.alertRecovered]
    }
}
