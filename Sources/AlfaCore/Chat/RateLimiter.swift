/// A sliding-window limit per user: at most `limit` expensive commands in `windowSeconds`.
/// Time is passed in, so the rule is tested without waiting.
public struct RateLimiter: Sendable {
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Seconds until the oldest counted command leaves the window.
        case wait(seconds: Int)
    }

    public let limit: Int
    public let windowSeconds: Double
    private var recent: [Int64: [Double]] = [:]

    public init(limit: Int = 6, windowSeconds: Double = 60) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    public mutating func check(user: Int64, now: Double) -> Decision {
        var times = recent[user, default: []].filter { $0 > now - windowSeconds }
        defer { recent[user] = times.isEmpty ? nil : times }
        guard times.count < limit else {
            return .wait(seconds: max(1, Int((times[0] + windowSeconds - now).rounded(.up))))
        }
        times.append(now)
        return .allowed
    }
}
