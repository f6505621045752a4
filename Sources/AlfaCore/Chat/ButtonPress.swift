/// What an inline button asks for, carried in its `callback_data` (Telegram allows 64 bytes and
/// hands back whatever a client sends, so every press is parsed and checked, never trusted).
/// A board's buttons name the snapshot they were drawn from: once a newer one is stored they
/// say the board has moved on.
public enum ButtonPress: Sendable, Equatable {
    /// The LIVE switch or an admin's close (`ConfirmationBook`).
    case confirmation(token: String, confirm: Bool)
    /// A page of a board: its snapshot, window, length (the N of topN) and page, from 0.
    case board(snapshot: Int64, window: TimeWindow, count: Int, page: Int)
    /// Opens the card of the trader at `rank` of a board (of `count` rows, to redraw it once moved on).
    case open(snapshot: Int64, window: TimeWindow, count: Int, rank: Int)
    case chart(EVMAddress, TimeWindow)
    case watch(EVMAddress)
    case unwatch(EVMAddress)
    case backtest(EVMAddress)
    /// Admins only, checked again when pressed.
    case follow(EVMAddress)

    /// Presses that read the database count against the user's rate limit; answering the
    /// bot's own question does not.
    public var isRateLimited: Bool {
        if case .confirmation = self { false } else { true }
    }

    /// Telegram's limit on `callback_data`.
    public static let maxBytes = 64

    public var data: String {
        switch self {
        case .confirmation(let token, let confirm): ConfirmationBook.callbackData(token: token, confirm: confirm)
        case .board(let snapshot, let window, let count, let page): "b:\(snapshot):\(window.rawValue):\(count):\(page)"
        case .open(let snapshot, let window, let count, let rank): "o:\(snapshot):\(window.rawValue):\(count):\(rank)"
        case .chart(let trader, let window): "ch:\(trader.hexDigits):\(window.rawValue)"
        case .watch(let trader): "w:\(trader.hexDigits)"
        case .unwatch(let trader): "uw:\(trader.hexDigits)"
        case .backtest(let trader): "bt:\(trader.hexDigits)"
        case .follow(let trader): "f:\(trader.hexDigits)"
        }
    }

    /// nil for anything this bot never sent: unknown verbs, bad numbers, out-of-range values.
    public init?(data: String) {
        guard data.utf8.count <= Self.maxBytes else { return nil }
        if let (token, confirm) = ConfirmationBook.parseCallback(data) {
            guard !token.isEmpty else { return nil }
            self = .confirmation(token: token, confirm: confirm)
            return
        }
        let parts = data.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ index: Int, _ range: ClosedRange<Int>) -> Int? {
            guard parts.indices.contains(index), parts[index].allSatisfy(\.isASCIIDigit), let value = Int(parts[index]),
                  range.contains(value) else { return nil }
            return value
        }
        func trader(_ index: Int) -> EVMAddress? {
            guard parts.indices.contains(index), parts[index].count == 40 else { return nil }
            return EVMAddress(hex: "0x" + parts[index])
        }
        func window(_ index: Int) -> TimeWindow? { parts.indices.contains(index) ? TimeWindow(rawValue: parts[index]) : nil }
        let snapshot = parts.count > 1 && parts[1].allSatisfy(\.isASCIIDigit) ? Int64(parts[1]) : nil
        switch (parts[0], parts.count) {
        case ("b", 5):
            guard let snapshot, let window = window(2), let count = number(3, 1...CommandParser.maxTop),
                  let page = number(4, 0...(BoardPage.pageCount(count) - 1)) else { return nil }
            self = .board(snapshot: snapshot, window: window, count: count, page: page)
        case ("o", 5):
            guard let snapshot, let window = window(2), let count = number(3, 1...CommandParser.maxTop),
                  let rank = number(4, 1...count) else { return nil }
            self = .open(snapshot: snapshot, window: window, count: count, rank: rank)
        case ("ch", 3):
            guard let trader = trader(1), let window = window(2) else { return nil }
            self = .chart(trader, window)
        case ("w", 2): guard let trader = trader(1) else { return nil }; self = .watch(trader)
        case ("uw", 2): guard let trader = trader(1) else { return nil }; self = .unwatch(trader)
        case ("bt", 2): guard let trader = trader(1) else { return nil }; self = .backtest(trader)
        case ("f", 2): guard let trader = trader(1) else { return nil }; self = .follow(trader)
        default: return nil
        }
    }
}
