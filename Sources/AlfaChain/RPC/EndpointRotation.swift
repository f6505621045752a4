/// Which RPC endpoint to use next: the first healthy one in the configured order. After
/// `failuresBeforeFailover` failures in a row an endpoint rests for `restSeconds`, so
/// traffic moves to the next and comes back to the preferred one later. Pure: the client
/// feeds it outcomes and the clock.
public struct EndpointRotation: Sendable {
    public let count: Int
    public let failuresBeforeFailover: Int
    public let restSeconds: Double
    private var consecutiveFailures: [Int]
    private var restingUntil: [Double]
    /// Until when an endpoint that answered 429 takes no request at all, from any caller.
    private var pausedUntil: [Double]

    public init(count: Int, failuresBeforeFailover: Int = 2, restSeconds: Double = 30) {
        precondition(count > 0)
        self.count = count
        self.failuresBeforeFailover = failuresBeforeFailover
        self.restSeconds = restSeconds
        consecutiveFailures = Array(repeating: 0, count: count)
        restingUntil = Array(repeating: 0, count: count)
        pausedUntil = Array(repeating: 0, count: count)
    }

    /// A 429: every request to `endpoint` waits until `until`, not only the one refused.
    public mutating func pause(_ endpoint: Int, until: Double) {
        pausedUntil[endpoint] = max(pausedUntil[endpoint], until)
    }

    /// Seconds a request to `endpoint` must wait at `now`; 0 when none.
    public func wait(_ endpoint: Int, now: Double) -> Double { max(0, pausedUntil[endpoint] - now) }

    /// The endpoint to use at time `now`: the first not resting; when all rest, the one back soonest.
    public func current(now: Double) -> Int {
        if let healthy = (0..<count).first(where: { restingUntil[$0] <= now }) { return healthy }
        return (0..<count).min { restingUntil[$0] < restingUntil[$1] }!
    }

    public mutating func recordSuccess(_ endpoint: Int) {
        consecutiveFailures[endpoint] = 0
        restingUntil[endpoint] = 0
    }

    /// Returns true when this failure sent the endpoint to rest (a failover).
    @discardableResult
    public mutating func recordFailure(_ endpoint: Int, now: Double) -> Bool {
        consecutiveFailures[endpoint] += 1
        guard consecutiveFailures[endpoint] >= failuresBeforeFailover else { return false }
        consecutiveFailures[endpoint] = 0
        restingUntil[endpoint] = now + restSeconds
        return count > 1
    }

    public func isResting(_ endpoint: Int, now: Double) -> Bool { restingUntil[endpoint] > now }
}
