import AlfaCore

/// Names the events behind topic0s the catalogue does not know, on first contact with a new
/// generation. A topic0 is the Keccak of the event's types, so the solver computes it for
/// candidate layouts and keeps those that match: each known event of the contract with the
/// fields avantis-v2.md says v2 added, appended or inserted at every position (as a group and
/// one by one), and the v2 events known only by name with layouts built from the usual parts.
/// Fields of one type can trade places without changing the topic0, so every match is then
/// tried on the logs themselves (`plausibility`) before it is trusted.
public struct LayoutSolver: Sendable {
    public struct Candidate: Sendable {
        public let contract: AvantisContract?
        public let event: ABIEvent
        /// How it was built: "v2 MarketExecuted with coinExposure, isCoinExposureFixed appended".
        public let origin: String
        public let signature: String
        public let topic0: Hash32

        init(contract: AvantisContract?, name: String, fields: [ABIField], origin: String) {
            self.contract = contract
            event = ABIEvent(name: name, inputs: fields, anonymous: false)
            self.origin = origin
            signature = name + "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")"
            topic0 = Hash32(bytes: Keccak256.hash(signature.utf8))!
        }
    }

    /// The fields avantis-v2.md lists as added by v2, by event name.
    public static let v2Additions: [String: [ABIField]] = [
        "MarketExecuted": [ABIField("coinExposure", .uint256), ABIField("isCoinExposureFixed", .bool)],
        "LimitExecuted": [ABIField("coinExposure", .uint256)],
        "FeesCharged": [ABIField("fundingFee", .int256)],
        "MarketOrderInitiated": [ABIField("minLeverage", .uint256), ABIField("maxLeverage", .uint256),
                                 ABIField("coinExposure", .uint256), ABIField("isCoinExposureFixed", .bool),
                                 ABIField("wantedPrice", .uint256)],
    ]

    /// v2 events known by name, whose layouts are not public (avantis-v2.md).
    public static let v2NamesOnly = [
        "PositionSizeIncreased", "IncreasePositionRequested", "PartialTpSlInitiated", "TpSlExecuted", "SpreadCharged",
        "AccFundingFeesStored", "TradeInitialAccFundingFeesStored", "BuilderFeesCharged", "MarginUpdated",
        "TwapOrderPlaced", "TwapOrderExecuted",
    ]

    public let candidates: [Candidate]
    private let byTopic: [Hash32: [Candidate]]

    public init(catalogue: AvantisEventCatalogue) {
        var candidates: [Candidate] = []
        var seen: Set<String> = []
        func add(_ candidate: Candidate) {
            if seen.insert("\(candidate.contract?.rawValue ?? "?") \(candidate.signature) \(candidate.event.inputs.map(\.name))").inserted {
                candidates.append(candidate)
            }
        }
        for definition in catalogue.definitions {
            let base = definition.fields
            let label = "\(definition.generation) \(definition.name)"
            var groups: [[ABIField]] = []
            if let added = Self.v2Additions[definition.name] {
                groups.append(added)
                if added.count > 1 { groups += added.map { [$0] } }
            } else {
                // "Gained fields", unnamed: one more word of each common type.
                groups += [ABIType.uint256, .int256, .bool, .address].map { [ABIField("added", $0)] }
            }
            for group in groups where !group.contains(where: { new in base.contains { $0.name == new.name } }) {
                for position in 0...base.count {
                    var fields = base
                    fields.insert(contentsOf: group, at: position)
                    let place = position == base.count ? "appended" : "inserted before \(base[position].name)"
                    add(Candidate(contract: definition.contract, name: definition.name, fields: fields,
                                  origin: "\(label) with \(group.map(\.name).joined(separator: ", ")) \(place)"))
                }
            }
        }
        for name in Self.v2NamesOnly {
            for (head, headLabel) in Self.heads {
                for tail in Self.tails(for: name) {
                    add(Candidate(contract: nil, name: name, fields: head + tail,
                                  origin: "v2 \(name), known by name only: \(headLabel)" + (tail.isEmpty ? "" : " + " + tail.map(\.type.canonicalName).joined(separator: ", "))))
                }
            }
        }
        self.candidates = candidates
        byTopic = Dictionary(grouping: candidates, by: \.topic0)
    }

    /// What else the verified blocks said, to hold a candidate's reading against: the pairs'
    /// recent fill prices, and the close-side fees decoded in each transaction, in log order.
    public struct Context: Sendable {
        public var recentPrices: [Int32: Int64] = [:]
        public var closeFees: [Hash32: [Int64]] = [:]

        public init(recentPrices: [Int32: Int64] = [:], closeFees: [Hash32: [Int64]] = [:]) {
            self.recentPrices = recentPrices
            self.closeFees = closeFees
        }
    }

    /// How a candidate reads on sample logs: each decoded log is held to what a real trade looks
    /// like (the price within 30 % of the trade's entry or of the pair's recent fills, no more
    /// collateral closed than open, a payout that the PnL and the fees of its transaction
    /// explain). `passed == checked > 0` is a confirmation.
    public struct Plausibility: Sendable {
        public var checked = 0
        public var passed = 0
        public var firstFailure: String?

        public var confirmed: Bool { checked > 0 && passed == checked }
    }

    public static func plausibility(of candidate: Candidate, contract: AvantisContract, logs: [RPCLog],
                                    context: Context = Context()) -> Plausibility {
        var result = Plausibility()
        guard let definition = try? AvantisEventDefinition(candidate.event, contract: contract, generation: "solved", source: "solver"),
              let address = logs.first?.address
        else {
            result.firstFailure = "does not serve its role (a field it needs is missing or of another type)"
            return result
        }
        let decoder = AvantisLogDecoder(catalogue: AvantisEventCatalogue([definition]), addresses: [contract: address])
        for log in logs {
            result.checked += 1
            switch decoder.decode(log) {
            case .failure(let rejection):
                result.firstFailure = result.firstFailure ?? "\(rejection)"
            case .success((_, let event)):
                if let problem = Self.implausibility(event, fees: context.closeFees[log.transactionHash], recentPrices: context.recentPrices) {
                    result.firstFailure = result.firstFailure ?? problem
                } else {
                    result.passed += 1
                }
            }
        }
        return result
    }

    /// What makes a decoded event unlike a real one, if anything. `fees`: the close-side fees
    /// (rollover + closing + funding) decoded in its transaction, when known.
    static func implausibility(_ event: AvantisEvent, fees: [Int64]? = nil, recentPrices: [Int32: Int64] = [:]) -> String? {
        let maxLeverage: Int64 = 1_000 * 10_000_000_000
        switch event {
        case .executed(let e):
            guard e.price > 0 else { return "price is 0" }
            guard e.leverage > 0, e.leverage <= maxLeverage else { return "leverage \(e.leverage) is not 0–1000×" }
            guard e.pairIndex < 10_000 else { return "pair index \(e.pairIndex) is not a pair" }
            guard e.positionSizeUSDC <= e.initialPosToken || e.isOpen else {
                return "closes \(e.positionSizeUSDC) of \(e.initialPosToken) collateral"
            }
            // Against the entry on a close, else the pair's recent fills.
            let reference = (!e.isOpen ? e.entryPrice : nil).flatMap { $0 > 0 ? $0 : nil } ?? recentPrices[e.pairIndex]
            if let reference, reference > 0, abs(Double(e.price - reference)) / Double(reference) > 0.3 {
                return "price \(e.price) is more than 30 % from \(e.isOpen ? "the pair's recent fills" : "the entry") \(reference)"
            }
            if !e.isOpen, e.limitOrderType != 2 {
                // The payout is the collateral plus the PnL less the fees: with the fees of its
                // transaction known, equal to it within 0.1 %; without, never more than that.
                let gross = Int128(e.positionSizeUSDC) * Int128(e.percentProfit) / 1_000_000_000_000
                let tolerance = Int128(max(10_000, e.positionSizeUSDC / 1_000))
                let expected = Int128(e.positionSizeUSDC) + gross
                if let fees, !fees.isEmpty {
                    guard fees.contains(where: { abs(expected - Int128($0) - Int128(e.usdcSentToTrader)) <= tolerance }) else {
                        return "payout \(e.usdcSentToTrader) is not collateral + PnL − the fees of its transaction"
                    }
                } else if Int128(e.usdcSentToTrader) > expected + tolerance {
                    return "payout \(e.usdcSentToTrader) is more than collateral and PnL allow (\(expected))"
                }
            }
            return nil
        case .closingFee(_, let collateral, let leverage, let rollover, let closing, let funding):
            guard collateral > 0, leverage > 0, leverage <= maxLeverage else { return "collateral or leverage out of range" }
            guard rollover + closing + max(funding, 0) <= collateral else { return "fees exceed the collateral" }
            return nil
        case .openingFee(_, _, _, let fee):
            return fee >= 0 ? nil : "negative fee"
        case .openCanceled, .informational:
            return nil
        }
    }

    /// The candidates whose topic0 is `topic0`, for a log from `contract`.
    public func matches(_ topic0: Hash32, from contract: AvantisContract) -> [Candidate] {
        (byTopic[topic0] ?? []).filter { $0.contract == nil || $0.contract == contract }
    }

    private static let heads: [([ABIField], String)] = [
        ([ABIField("orderId", .uint256), ABIField("t", AvantisTrade.type)], "orderId, t (Trade)"),
        ([ABIField("t", AvantisTrade.type)], "t (Trade)"),
        ([ABIField("trader", .address), ABIField("pairIndex", .uint256), ABIField("index", .uint256)], "trader, pairIndex, index"),
        ([ABIField("pairIndex", .uint256)], "pairIndex"),
        ([ABIField("trader", .address)], "trader"),
    ]

    /// Up to three more words of the common types; an increase's first two uint256s are named
    /// as alfa's column table reads them (its price, the collateral added).
    private static func tails(for name: String) -> [[ABIField]] {
        let types: [ABIType] = [.uint256, .int256, .bool, .address]
        var tails: [[ABIType]] = [[]]
        var frontier: [[ABIType]] = [[]]
        for _ in 0..<3 {
            frontier = frontier.flatMap { prefix in types.map { prefix + [$0] } }
            tails += frontier
        }
        let increaseNames = name == "PositionSizeIncreased" ? ["price", "positionSizeUSDC"] : []
        return tails.map { list in
            var uints = 0
            return list.enumerated().map { index, type in
                if type == .uint256, uints < increaseNames.count { defer { uints += 1 }; return ABIField(increaseNames[uints], type) }
                return ABIField("word\(index + 1)", type)
            }
        }
    }
}

/// The Trade tuple of every generation (avantis-events.md).
enum AvantisTrade {
    static let type = ABIType.tuple([
        ABIField("trader", .address), ABIField("pairIndex", .uint256), ABIField("index", .uint256),
        ABIField("initialPosToken", .uint256), ABIField("positionSizeUSDC", .uint256), ABIField("openPrice", .uint256),
        ABIField("buy", .bool), ABIField("leverage", .uint256), ABIField("tp", .uint256), ABIField("sl", .uint256),
        ABIField("timestamp", .uint256),
    ])
}
