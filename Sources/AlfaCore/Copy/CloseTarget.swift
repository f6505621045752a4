/// What `/copy close` closes: one position (by the copy order that opened it), every position
/// on a pair, or all of them.
public enum CloseTarget: Sendable, Equatable, CustomStringConvertible {
    case order(Int64)
    case pair(Int32)
    case all

    public func selects(_ position: MirroredPosition) -> Bool {
        switch self {
        case .order(let id): position.openOrderID == id
        case .pair(let pair): position.pairIndex == pair
        case .all: true
        }
    }

    /// The argument as `/copy close` takes it back.
    public var description: String {
        switch self {
        case .order(let id): "\(id)"
        case .pair(let pair): PairCatalogue.builtIn.name(of: pair)
        case .all: "all"
        }
    }

    /// `all`, a copy order id (as `/copy pnl` lists them, with or without `#`), or a pair symbol.
    public init?(_ text: String) {
        let word = text.hasPrefix("#") ? String(text.dropFirst()) : text
        if word.lowercased() == "all" {
            self = .all
        } else if let id = Int64(word), id > 0 {
            self = .order(id)
        } else if let pair = PairCatalogue.builtIn.index(of: word) {
            self = .pair(pair)
        } else {
            return nil
        }
    }
}

/// Who ordered a close that is not a leader's: it passes the emergency stop, since it only takes
/// risk off. Stored with the order (`ordered_by`) and shown in its reason.
public enum CloseOrderer: Sendable, Equatable, CustomStringConvertible {
    case admin(Int64)
    case breaker(BreakerName)

    public var description: String {
        switch self {
        case .admin(let id): "admin \(id)"
        case .breaker(let name): "breaker \(name.rawValue)"
        }
    }
}

/// One position a `/copy close` (or a breaker) closes: the close order recorded for it, or why
/// none was.
public struct OrderedClose: Sendable, Equatable, CustomStringConvertible {
    public let position: MirroredPosition
    /// The close order; nil when one was already recorded this second.
    public let orderID: Int64?
    /// The mark it closes at (DRY) or wants (LIVE), × 1e10.
    public let price: Int64

    public init(position: MirroredPosition, orderID: Int64?, price: Int64) {
        self.position = position
        self.orderID = orderID
        self.price = price
    }

    public var description: String {
        let how = position.mode == .live ? "sent to the relayer" : "filled at the mark"
        return position.summary() + " → " + (orderID.map { "close order \($0), \(how) near \(FixedPoint.display(price, scale: FixedPoint.priceScale))" }
            ?? "already being closed")
    }
}

extension MirroredPosition {
    /// "#12 BTC/USD long 100.00 USDC ×10.0 LIVE": how /copy pnl and /copy close name it.
    public func summary(names: PairCatalogue = .builtIn) -> String {
        "#\(openOrderID) \(names.name(of: pairIndex)) \(isLong ? "long" : "short") "
            + "\(FixedPoint.display(remainingCollateral)) USDC ×\(FixedPoint.display(leverage, scale: FixedPoint.priceScale, decimals: 1)) \(mode.rawValue)"
    }
}
