/// Telegram's flood limits as a schedule: when a message to a chat may go out without
/// exceeding about 1 message/s per chat, 20/min per group and 30/s overall. Pacing before
/// sending beats handling 429s afterwards. Sends are recorded in the order they happen.
public struct FloodPacer: Sendable {
    public struct Limits: Sendable {
        public var perChatInterval: Double
        public var perGroupPerMinute: Int
        public var overallPerSecond: Int

        public init(perChatInterval: Double = 1.0, perGroupPerMinute: Int = 20, overallPerSecond: Int = 30) {
            self.perChatInterval = perChatInterval
            self.perGroupPerMinute = perGroupPerMinute
            self.overallPerSecond = overallPerSecond
        }

        public static let telegram = Limits()
    }

    public let limits: Limits
    private var lastByChat: [Int64: Double] = [:]
    private var groupSends: [Int64: [Double]] = [:]
    private var overall: [Double] = []

    public init(limits: Limits = .telegram) {
        self.limits = limits
    }

    /// Telegram group and channel ids are negative; users' private chats are positive.
    public static func isGroup(_ chat: Int64) -> Bool { chat < 0 }

    /// The earliest time, not before `now`, a message to `chat` may be sent.
    public func earliest(chat: Int64, now: Double) -> Double {
        var time = now
        if let last = lastByChat[chat] { time = max(time, last + limits.perChatInterval) }
        if Self.isGroup(chat), let sends = groupSends[chat], sends.count >= limits.perGroupPerMinute {
            time = max(time, sends[sends.count - limits.perGroupPerMinute] + 60)
        }
        if overall.count >= limits.overallPerSecond {
            time = max(time, overall[overall.count - limits.overallPerSecond] + 1)
        }
        return time
    }

    /// Records a send that happened at `time` (times recorded never decrease).
    public mutating func record(chat: Int64, at time: Double) {
        lastByChat[chat] = time
        overall.append(time)
        overall.removeFirst(overall.prefix { $0 <= time - 1 }.count)
        if Self.isGroup(chat) {
            var sends = groupSends[chat, default: []]
            sends.append(time)
            sends.removeFirst(sends.prefix { $0 <= time - 60 }.count)
            groupSends[chat] = sends
        }
        if lastByChat.count > 1_000 {
            // Chats idle for two minutes no longer constrain anything.
            lastByChat = lastByChat.filter { $0.value > time - 120 }
            groupSends = groupSends.filter { ($0.value.last ?? 0) > time - 60 }
        }
    }
}
