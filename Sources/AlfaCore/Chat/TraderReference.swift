/// How a chat names a trader: the full address, a rank of the current 30-day leaderboard
/// (`3` or `#3`), or a part of the address as the board shows it (`0x6224`, `0x6224…d8e6`).
public enum TraderReference: Sendable, Equatable, CustomStringConvertible {
    case address(EVMAddress)
    case rank(Int)
    /// Lowercase hex digits the address starts with (at least `minimumPrefix`) and, when the
    /// board's short form was pasted, the digits it ends with.
    case abbreviated(prefix: String, suffix: String)

    /// Fewer digits would match too many traders to list.
    public static let minimumPrefix = 4

    public init?(_ text: String) {
        if let address = EVMAddress(hex: text) {
            self = .address(address)
            return
        }
        if let rank = Int(text.hasPrefix("#") ? String(text.dropFirst()) : text) {
            guard (1...CommandParser.maxTop).contains(rank) else { return nil }
            self = .rank(rank)
            return
        }
        let lower = text.lowercased()
        guard lower.hasPrefix("0x") else { return nil }
        let body = lower.dropFirst(2).replacingOccurrences(of: "...", with: "…")
        let parts = body.split(separator: "…", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let prefix = parts[0]
        let suffix = parts.count == 2 ? parts[1] : ""
        func isHex(_ digits: String) -> Bool { digits.allSatisfy(\.isHexDigit) }
        guard prefix.count >= Self.minimumPrefix, isHex(prefix), isHex(suffix), prefix.count + suffix.count < 40,
              parts.count == 1 || !suffix.isEmpty else { return nil }
        self = .abbreviated(prefix: prefix, suffix: suffix)
    }

    /// Whether `address` is one this reference can mean (ranks are resolved elsewhere).
    public func matches(_ address: EVMAddress) -> Bool {
        switch self {
        case .address(let exact): return exact == address
        case .rank: return false
        case .abbreviated(let prefix, let suffix):
            let hex = address.description.dropFirst(2)
            return hex.hasPrefix(prefix) && hex.hasSuffix(suffix)
        }
    }

    public var description: String {
        switch self {
        case .address(let address): "\(address)"
        case .rank(let rank): "\(rank)"
        case .abbreviated(let prefix, let suffix): "0x" + prefix + (suffix.isEmpty ? "" : "…" + suffix)
        }
    }

    /// Why a lookup found no single trader.
    public enum Miss: Error, Sendable, Equatable {
        case ambiguous([EVMAddress])
        case notFound
    }

    /// The answer when a lookup found no single trader.
    public func reply(for miss: Miss) -> ChatReply {
        switch miss {
        case .notFound:
            if case .rank(let rank) = self {
                return .plain("There is no trader at rank \(rank) of the 30-day leaderboard: see /alfa top50.")
            }
            return .plain("No trader's address matches \(self). A part of an address needs at least \(Self.minimumPrefix) hex digits after 0x.")
        case .ambiguous(let matches):
            let count = matches.count > Self.listedMatches ? "more than \(Self.listedMatches)" : "\(matches.count)"
            let shown = matches.prefix(Self.listedMatches).map { "<code>\($0)</code>" }.joined(separator: "\n")
            return ChatReply(html: "\(TelegramHTML.escape(description)) matches \(count) traders; add digits or use one of these:\n" + shown)
        }
    }

    /// An ambiguous prefix lists at most this many matches.
    public static let listedMatches = 8
}
