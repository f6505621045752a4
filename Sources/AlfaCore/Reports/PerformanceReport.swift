/// The daily or weekly summary for admins (`/report daily|weekly` and the scheduled daily
/// message): the copy account's clean PnL, win rate and drawdown, signals → orders → fills,
/// breaker events, leaders added or removed, and the indexer's health over the period.
public struct PerformanceReport: Sendable, Equatable {
    public enum Period: String, Sendable, CaseIterable {
        case daily, weekly

        public var seconds: Int64 { self == .daily ? 86_400 : 7 * 86_400 }
    }

    public struct BreakerEvent: Sendable, Equatable {
        public var breaker: String
        /// `trip` or `reset`.
        public var event: String
        public var actor: String
        public var detail: String
        public var at: Int64

        public init(breaker: String, event: String, actor: String, detail: String, at: Int64) {
            self.breaker = breaker
            self.event = event
            self.actor = actor
            self.detail = detail
            self.at = at
        }
    }

    /// A leader that entered (`added`) or left the set the copy engine trades on.
    public struct LeaderChange: Sendable, Equatable {
        public var leader: EVMAddress
        public var added: Bool
        public var by: String
        public var at: Int64

        public init(leader: EVMAddress, added: Bool, by: String, at: Int64) {
            self.leader = leader
            self.added = added
            self.by = by
            self.at = at
        }
    }

    public struct IndexerHealth: Sendable, Equatable {
        public var fillsIndexed: Int64
        public var lastBlock: Int64?
        public var lagBlocks: Int64?
        public var unknownTopics: Int64
        public var lastError: String?

        public init(fillsIndexed: Int64, lastBlock: Int64?, lagBlocks: Int64?, unknownTopics: Int64, lastError: String?) {
            self.fillsIndexed = fillsIndexed
            self.lastBlock = lastBlock
            self.lagBlocks = lagBlocks
            self.unknownTopics = unknownTopics
            self.lastError = lastError
        }
    }

    public var period: Period
    public var from: Int64
    public var to: Int64
    public var mode: ExecutionState
    /// Orders created in the period.
    public var performance: CopyPerformance
    /// The drawdown breaker's reading over the period's closed trades.
    public var drawdown: String
    public var breakerEvents: [BreakerEvent]
    public var leaderChanges: [LeaderChange]
    public var leadersCopied: Int
    public var indexer: IndexerHealth
    /// The copy positions open when the report is made, at their marks (nil: not valued).
    public var open: OpenPositionsReport?

    public init(period: Period, from: Int64, to: Int64, mode: ExecutionState, performance: CopyPerformance, drawdown: String,
                breakerEvents: [BreakerEvent], leaderChanges: [LeaderChange], leadersCopied: Int, indexer: IndexerHealth) {
        self.period = period
        self.from = from
        self.to = to
        self.mode = mode
        self.performance = performance
        self.drawdown = drawdown
        self.breakerEvents = breakerEvents
        self.leaderChanges = leaderChanges
        self.leadersCopied = leadersCopied
        self.indexer = indexer
    }

    /// Telegram HTML; the console prints its plain text.
    /// The copy account's equity over the period, open positions at their marks at its end.
    public var chart: EquityChart {
        performance.chart(title: "Copy account · \(period.rawValue) report", start: from, end: to,
                          unrealized: open.flatMap { $0.lines.isEmpty ? nil : $0.unrealized })
    }

    public var html: String {
        let p = performance
        let rate = p.winRate.map { String(Int(($0 * 100).rounded())) + " %" } ?? "—"
        let state = mode.emergencyStop ? "\(mode.mode.rawValue), emergency stop engaged" : mode.mode.rawValue
        var lines = [
            "<b>\(period == .daily ? "Daily" : "Weekly") report</b> · \(LeaderboardText.utc(from)) → \(LeaderboardText.utc(to))",
            "Mode now: \(state)",
            "",
            "<b>Copy account</b>",
            "Clean PnL: \(FixedPoint.display(p.realizedPnL, signed: true)) USDC (fees \(FixedPoint.display(p.fees)) included) · "
                + "gas \(FixedPoint.display(p.gas)) · net after gas \(FixedPoint.display(p.netAfterGas, signed: true)) USDC",
            open.map { o in
                "Open now: \(o.lines.count) position(s), unrealized \(FixedPoint.display(o.unrealized, signed: true)) USDC"
                    + (o.unvalued > 0 ? " (\(o.unvalued) without a fresh mark left out)" : "")
                    + " · equity PnL \(FixedPoint.display(p.realizedPnL + o.unrealized, signed: true)) USDC"
            } ?? "Open now: not valued",
            "Win rate \(rate) over \(p.closedTrades) closed trade(s) · \(TelegramHTML.escape(p.closedTrades > 0 ? drawdown : "no drawdown: no closed trade"))",
            "Signals \(p.signals) → orders \(p.orders) → fills \(p.filled) (skipped \(p.skipped), failed \(p.failed), in flight \(p.active))",
            "",
            "<b>Breakers</b>",
        ]
        if breakerEvents.isEmpty {
            lines.append("No trip or reset.")
        } else {
            lines += breakerEvents.map { e in
                "\(LeaderboardText.utc(e.at)): \(TelegramHTML.escape(e.breaker)) \(e.event == "trip" ? "tripped" : "reset") by "
                    + "\(TelegramHTML.escape(e.actor))" + (e.event == "trip" ? " — \(TelegramHTML.escape(e.detail))" : "")
            }
        }
        lines += ["", "<b>Leaders</b>", "\(leadersCopied) copied now."]
        for (label, added) in [("Added", true), ("Removed", false)] {
            let changes = leaderChanges.filter { $0.added == added }
            guard !changes.isEmpty else { continue }
            lines.append("\(label): " + changes.map { "<code>\($0.leader)</code> (\(TelegramHTML.escape($0.by)))" }.joined(separator: ", "))
        }
        if leaderChanges.isEmpty { lines.append("No leader added or removed.") }
        let i = indexer
        var health = "\(i.fillsIndexed) fill(s) indexed"
        if let block = i.lastBlock { health += " · through block \(block)" }
        if let lag = i.lagBlocks { health += " · \(lag) block(s) behind the head" }
        if i.unknownTopics > 0 { health += " · \(i.unknownTopics) log(s) with unknown topics kept raw" }
        lines += ["", "<b>Indexer</b>", health]
        if let error = i.lastError { lines.append("Last error: \(TelegramHTML.escape(error))") }
        return lines.joined(separator: "\n")
    }
}
