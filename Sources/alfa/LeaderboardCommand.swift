import AlfaApp
import ArgumentParser

struct LeaderboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Print the copyability leaderboard.",
        discussion: """
            Reads the last snapshot that alfa serve stored (it refreshes every LEADER_REFRESH_SECONDS). \
            --refresh recomputes and stores one now; --as-of ranks as of a past moment from the fills up to it, without storing.
            """
    )

    @Option(help: "How many traders to show (1-1000).")
    var top = 50

    @Option(help: "The window: 7d, 30d or all.")
    var window: LeaderboardWindow = .thirtyDays

    @Option(name: .customLong("as-of"), help: "Rank as of this moment instead of reading the stored snapshot (\(Moment.help)).")
    var asOf: Moment?

    @Flag(help: "Recompute and store a snapshot now.")
    var refresh = false

    @Flag(help: "Print JSON rows instead of a table.")
    var json = false

    func validate() throws {
        guard (1...1_000).contains(top) else { throw ValidationError("--top must be from 1 to 1000, got \(top)") }
    }

    func run() async throws {
        print(try await LeaderboardCommands.board(top: top, window: window, asOf: asOf, refresh: refresh, json: json))
    }
}

struct TraderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trader",
        abstract: "One trader's metrics in every window, open positions, last 20 closes and eligibility."
    )

    @Argument(help: "The trader's address, 0x followed by 40 hex digits.")
    var address: String

    @Option(name: .customLong("as-of"), help: "Judge as of this moment (\(Moment.help); default: now).")
    var asOf: Moment?

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard Arguments.isAddress(address) else {
            throw ValidationError("\"\(address)\" is not an address (0x followed by 40 hex digits)")
        }
    }

    func run() async throws {
        print(try await LeaderboardCommands.trader(address, asOf: asOf, json: json))
    }
}
