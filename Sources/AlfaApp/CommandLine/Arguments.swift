import AlfaChain
import AlfaCore

/// Values typed on the command line, parsed and checked here, so the executable only declares
/// its options and what they are called.

/// A leaderboard window: 7d, 30d or all.
public typealias LeaderboardWindow = TimeWindow

/// An export's format: csv or json.
public typealias ExportFormat = FillExport.Format

/// A moment (UTC): unix seconds, 2026-11-21 or 2026-11-21T08:00[:SS][Z].
public struct Moment: Sendable {
    public let unixSeconds: Int64

    public init?(argument: String) {
        guard let seconds = CivilDate.parseMoment(argument) else { return nil }
        unixSeconds = seconds
    }

    public static let help = "UTC: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or unix seconds"
}

public enum Arguments {
    /// Whether `text` is an address: 0x and 40 hex digits.
    public static func isAddress(_ text: String) -> Bool { EVMAddress(hex: text) != nil }

    /// The intent kinds `alfa intent digest` knows.
    public static var intentKinds: [String] { AvantisIntent.kinds }

    public static func isIntentKind(_ kind: String) -> Bool { AvantisIntent.types[kind] != nil }
}
