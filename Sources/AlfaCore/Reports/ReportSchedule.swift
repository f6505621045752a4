/// When the scheduled daily report is due: every day at `hour` UTC, for the 24 hours before.
/// A service that was down at that moment still sends it when it comes back, unless it is
/// more than `lateLimitSeconds` late (a report from yesterday morning is noise by evening).
public struct ReportSchedule: Sendable, Equatable {
    public var hourUTC: Int64
    public var lateLimitSeconds: Int64 = 12 * 3_600

    public init(hourUTC: Int64) { self.hourUTC = hourUTC }

    /// The latest due time at or before `now`.
    public func lastDue(atOrBefore now: Int64) -> Int64 {
        let today = now.floorDivided(by: 86_400) * 86_400 + hourUTC * 3_600
        return today <= now ? today : today - 86_400
    }

    /// The report due at `lastDue(now)` is still worth sending.
    public func isFresh(_ due: Int64, now: Int64) -> Bool { now - due <= lateLimitSeconds }

    public func nextDue(after now: Int64) -> Int64 { lastDue(atOrBefore: now) + 86_400 }
}
