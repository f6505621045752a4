/// The leaderboard's windows. 7d and 30d are whole UTC days ending with the day of `asOf`,
/// so a window's content changes only with new fills or at midnight.
public enum TimeWindow: String, Sendable, CaseIterable {
    case sevenDays = "7d"
    case thirtyDays = "30d"
    case all

    public var days: Int64? {
        switch self {
        case .sevenDays: 7
        case .thirtyDays: 30
        case .all: nil
        }
    }

    /// First second inside the window, or nil for `all`.
    public func start(asOf: Int64) -> Int64? {
        days.map { (TimeWindow.day(of: asOf) - $0 + 1) * 86_400 }
    }

    public static func day(of time: Int64) -> Int64 {
        time >= 0 ? time / 86_400 : (time - 86_399) / 86_400
    }
}
