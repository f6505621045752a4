/// One leader's own copy settings (`/copy set`): each one set overrides the environment's
/// default (COPY_COLLATERAL_USDC, COPY_SIZE_RATIO, COPY_MAX_LEVERAGE, COPY_STOP_LOSS_PCT, …)
/// for that leader's trades only. Stored as its canonical text (`description`), which parses back.
public struct LeaderSettings: Sendable, Equatable, CustomStringConvertible {
    /// Which pairs are copied: only these, or all but these.
    public enum PairFilter: Sendable, Equatable {
        case only(Set<Int32>)
        case except(Set<Int32>)

        public func allows(_ pair: Int32) -> Bool {
            switch self {
            case .only(let pairs): pairs.contains(pair)
            case .except(let pairs): !pairs.contains(pair)
            }
        }
    }

    /// A stop-loss or take-profit: a share of the collateral in bps, or none (`off`).
    public enum Exit: Sendable, Equatable {
        case bps(Int64)
        case off

        var value: Int64? { if case .bps(let bps) = self { bps } else { nil } }
    }

    /// USDC × 1e6 per copied open; exclusive with `sizeRatio`.
    public var collateral: Int64?
    /// × 1e6 of the leader's collateral; exclusive with `collateral`.
    public var sizeRatio: Int64?
    /// Positions copied from this leader open at once (the global COPY_MAX_OPEN_POSITIONS holds too).
    public var maxPositions: Int64?
    /// × 1e10.
    public var maxLeverage: Int64?
    public var pairs: PairFilter?
    public var stopLoss: Exit?
    public var takeProfit: Exit?

    /// What `/copy set` asks of a leader's settings.
    public enum Change: Sendable, Equatable {
        case show
        case reset
        case assign([String])
    }

    public init() {}

    public var isEmpty: Bool { self == LeaderSettings() }

    /// The environment's copy settings with this leader's applied.
    public func applied(to defaults: CopyPolicy) -> CopyPolicy {
        var copy = defaults
        if let collateral { copy.collateral = collateral; copy.sizeRatio = nil }
        if let sizeRatio { copy.sizeRatio = sizeRatio }
        if let maxLeverage { copy.maxLeverage = maxLeverage }
        if let stopLoss { copy.stopLossBps = stopLoss.value }
        if let takeProfit { copy.takeProfitBps = takeProfit.value }
        return copy
    }

    // MARK: text

    /// The usage line of `/copy set`, shown on any bad value.
    public static let usage = "/copy set 0xADDRESS|RANK key=value … — keys: size=USDC (1 to 1,000,000) or ratio=R (0.000001 to 10), "
        + "maxpos=N (1 to 1,000), maxlev=X (1 to 500), pairs=ETH,BTC or pairs=!DOGE (symbols), sl=PCT (1 to 85) or sl=off, "
        + "tp=PCT (1 to 1,000) or tp=off; /copy set 0xADDRESS reset goes back to the defaults"

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// These settings with `assignments` (`key=value` words) applied over them.
    public func setting(_ assignments: [String]) -> Result<LeaderSettings, Invalid> {
        var next = self
        for word in assignments {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                return .failure(Invalid(description: "\"\(word)\" is not key=value. " + Self.usage))
            }
            let (key, value) = (parts[0].lowercased(), parts[1])
            func bad(_ expected: String) -> Result<LeaderSettings, Invalid> {
                .failure(Invalid(description: "\(key)=\(value): \(expected). " + Self.usage))
            }
            func decimal(_ scale: Int, _ range: ClosedRange<Int64>) -> Int64? {
                FixedPoint.parse(value, scale: scale).flatMap { range.contains($0) ? $0 : nil }
            }
            switch key {
            case "size":
                guard let usdc = decimal(FixedPoint.usdcScale, 1_000_000...1_000_000_000_000) else {
                    return bad("expected USDC from 1 to 1,000,000")
                }
                (next.collateral, next.sizeRatio) = (usdc, nil)
            case "ratio":
                guard let ratio = decimal(6, 1...10_000_000) else { return bad("expected a ratio from 0.000001 to 10") }
                (next.sizeRatio, next.collateral) = (ratio, nil)
            case "maxpos":
                guard let count = Int64(value), (1...1_000).contains(count) else { return bad("expected a whole number from 1 to 1,000") }
                next.maxPositions = count
            case "maxlev":
                guard let leverage = decimal(FixedPoint.priceScale, 10_000_000_000...5_000_000_000_000) else {
                    return bad("expected a leverage from 1 to 500")
                }
                next.maxLeverage = leverage
            case "pairs":
                let except = value.hasPrefix("!")
                let symbols = (except ? String(value.dropFirst()) : value).split(separator: ",").map(String.init)
                var pairs: Set<Int32> = []
                for symbol in symbols {
                    guard let pair = PairCatalogue.builtIn.index(of: symbol) else { return bad("\"\(symbol)\" is not an Avantis pair") }
                    pairs.insert(pair)
                }
                guard !pairs.isEmpty else { return bad("expected pair symbols") }
                next.pairs = except ? .except(pairs) : .only(pairs)
            case "sl", "tp":
                let exit: Exit
                if value.lowercased() == "off" {
                    exit = .off
                } else if let bps = decimal(2, key == "sl" ? 100...8_500 : 100...100_000) {
                    exit = .bps(bps)
                } else {
                    return bad(key == "sl" ? "expected a percent from 1 to 85, or off" : "expected a percent from 1 to 1,000, or off")
                }
                if key == "sl" { next.stopLoss = exit } else { next.takeProfit = exit }
            default:
                return .failure(Invalid(description: "\"\(key)\" is not a setting. " + Self.usage))
            }
        }
        return .success(next)
    }

    /// Parses the canonical text back (what is stored); nil for text that does not parse.
    public init?(canonical text: String) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard case .success(let parsed) = LeaderSettings().setting(words) else { return nil }
        self = parsed
    }

    /// `size=50 maxpos=2 pairs=BTC,ETH sl=20`: only what is set, in a fixed order; "defaults" when nothing is.
    public var description: String {
        var words: [String] = []
        if let collateral { words.append("size=\(FixedPoint.format(collateral, scale: FixedPoint.usdcScale))") }
        if let sizeRatio { words.append("ratio=\(FixedPoint.format(sizeRatio, scale: 6))") }
        if let maxPositions { words.append("maxpos=\(maxPositions)") }
        if let maxLeverage { words.append("maxlev=\(FixedPoint.format(maxLeverage, scale: FixedPoint.priceScale))") }
        if let pairs {
            let (prefix, set) = switch pairs {
            case .only(let set): ("", set)
            case .except(let set): ("!", set)
            }
            let symbols = set.sorted().map { PairCatalogue.builtIn.name(of: $0).replacingOccurrences(of: "/USD", with: "") }
            words.append("pairs=" + prefix + symbols.joined(separator: ","))
        }
        for (key, exit) in [("sl", stopLoss), ("tp", takeProfit)] {
            guard let exit else { continue }
            words.append("\(key)=" + (exit.value.map { FixedPoint.format($0, scale: 2) } ?? "off"))
        }
        return words.isEmpty ? "defaults" : words.joined(separator: " ")
    }
}
