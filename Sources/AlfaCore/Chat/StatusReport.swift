/// What `/status` shows. Parts not known yet are nil and shown as such, never guessed.
public struct StatusReport: Sendable {
    /// The indexer's checkpoint as `/status` and `alfa check` show it.
    public struct Indexer: Sendable {
        public var lastBlock: Int64
        public var head: Int64?
        public var headSeenAt: Int64?
        public var lastError: String?
        public var lastErrorAt: Int64?
        public var unknownTopics: Int64
        public var malformedLogs: Int64

        public init(lastBlock: Int64, head: Int64?, headSeenAt: Int64?, lastError: String?, lastErrorAt: Int64?,
                    unknownTopics: Int64, malformedLogs: Int64) {
            self.lastBlock = lastBlock
            self.head = head
            self.headSeenAt = headSeenAt
            self.lastError = lastError
            self.lastErrorAt = lastErrorAt
            self.unknownTopics = unknownTopics
            self.malformedLogs = malformedLogs
        }

        /// One line: indexed block, head and lag, raw logs, last error.
        public func summary(now: Int64) -> String {
            var parts = ["indexed through block \(lastBlock)"]
            if let head {
                let seen = headSeenAt.map { " seen \(StatusReport.age(now - $0)) ago" } ?? ""
                parts.append("head \(head)\(seen), lag \(max(0, head - lastBlock)) blocks")
            }
            if unknownTopics > 0 { parts.append("\(unknownTopics) log(s) with unknown topic0 kept raw (alfa abi inspect)") }
            if malformedLogs > 0 { parts.append("\(malformedLogs) malformed log(s) kept raw") }
            if let lastError, let lastErrorAt { parts.append("last error \(StatusReport.age(now - lastErrorAt)) ago: \(lastError)") }
            return parts.joined(separator: "; ")
        }

        public static let notStarted = "not started (run alfa index or alfa serve with RPC_URLS set)"
    }

    public var now: Int64
    public var execution: ExecutionState
    /// nil: the indexer never ran on this database.
    public var indexer: Indexer?
    /// When the latest leaderboard snapshot was computed; nil: never.
    public var leaderboardComputedAt: Int64?
    /// Breaker lines; nil until the breakers exist.
    public var breakers: [String]?
    public var openCopyPositions: Int?
    /// "paused by admin 1001 3m ago: …" while /copy pause holds; nil otherwise.
    public var copyPaused: String?
    /// Where marks come from ("Pyth Hermes", its outage, or the last fills); nil: not known here.
    public var prices: String?
    public var startedAt: Int64
    public var version: String
    /// nil: healthy; otherwise what failed.
    public var databaseProblem: String?
    public var databaseMilliseconds: Int?

    public init(now: Int64, execution: ExecutionState, indexer: Indexer?, leaderboardComputedAt: Int64?, breakers: [String]?,
                openCopyPositions: Int?, copyPaused: String? = nil, startedAt: Int64, version: String, databaseProblem: String?,
                databaseMilliseconds: Int?) {
        self.copyPaused = copyPaused
        self.now = now
        self.execution = execution
        self.indexer = indexer
        self.leaderboardComputedAt = leaderboardComputedAt
        self.breakers = breakers
        self.openCopyPositions = openCopyPositions
        self.startedAt = startedAt
        self.version = version
        self.databaseProblem = databaseProblem
        self.databaseMilliseconds = databaseMilliseconds
    }

    public var html: String {
        func e(_ text: String) -> String { TelegramHTML.escape(text) }
        var lines = ["<b>alfa status</b>"]
        let stop = execution.emergencyStop ? "<b>ON</b>" : "off"
        lines.append("mode: <b>\(execution.mode.rawValue)</b> · emergency stop: \(stop)")
        lines.append("  set by \(e(execution.changedBy.description)) \(Self.age(now - execution.changedAt)) ago"
                     + (execution.reason.map { ": \(e($0))" } ?? ""))
        lines.append("indexer: " + e(indexer?.summary(now: now) ?? Indexer.notStarted))
        lines.append("leaderboard: " + (leaderboardComputedAt.map { "computed \(Self.age(now - $0)) ago" } ?? "not computed yet"))
        if let breakers {
            lines.append("breakers:" + (breakers.isEmpty ? " none" : ""))
            lines += breakers.map { "  " + e($0) }
        } else {
            lines.append("breakers: not available yet")
        }
        lines.append("open copy positions: " + (openCopyPositions.map(String.init) ?? "not available yet"))
        if let copyPaused { lines.append("copying: " + e(copyPaused)) }
        if let prices { lines.append("prices: " + e(prices)) }
        if let databaseProblem {
            lines.append("database: <b>unhealthy</b>: \(e(databaseProblem))")
        } else {
            lines.append("database: healthy" + (databaseMilliseconds.map { " (\($0) ms)" } ?? ""))
        }
        lines.append("uptime \(Self.age(now - startedAt)) · version \(e(version))")
        return lines.joined(separator: "\n")
    }

    /// "42s", "7m", "3h 4m", "2d 5h".
    public static func age(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3_600)h \(s % 3_600 / 60)m" }
        return "\(s / 86_400)d \(s % 86_400 / 3_600)h"
    }
}
