import AlfaCore

/// The Avantis contracts whose logs the indexer reads; an ABI file is named after one.
public enum AvantisContract: String, Sendable, CaseIterable {
    case tradingCallbacks = "TradingCallbacks"
    case tradingStorage = "TradingStorage"
    case pairInfos = "PairInfos"
}

/// What an event means for the fill model.
public enum AvantisEventRole: String, Sendable {
    /// `MarketExecuted`: a market open or close, the fill itself.
    case marketExecuted
    /// `LimitExecuted`: a limit open, take-profit, stop-loss or liquidation.
    case limitExecuted
    /// `PositionSizeIncreased` (v2): collateral added to an open position; its `t` is the blended result.
    case positionIncreased
    /// `MarketOpenCanceled`: an order the keeper could not execute; no fill.
    case marketOpenCanceled
    /// TradingStorage `FeesCharged`: the opening fee of the next open in the transaction.
    case openingFee
    /// PairInfos `FeesCharged`: rollover, closing fee and funding of the next close in the transaction.
    case closingFee
    /// Known and expected, but not part of a fill (open interest, referrals, …).
    case informational

    /// The role of an event, from its contract and name.
    public init(contract: AvantisContract, name: String) {
        switch (contract, name) {
        case (.tradingCallbacks, "MarketExecuted"): self = .marketExecuted
        case (.tradingCallbacks, "LimitExecuted"): self = .limitExecuted
        case (.tradingCallbacks, "PositionSizeIncreased"): self = .positionIncreased
        case (.tradingCallbacks, "MarketOpenCanceled"), (.tradingStorage, "MarketOpenCanceled"): self = .marketOpenCanceled
        case (.tradingStorage, "FeesCharged"): self = .openingFee
        case (.pairInfos, "FeesCharged"): self = .closingFee
        default: self = .informational
        }
    }
}

/// One event of one generation, read from ABI JSON: its signature (from which topic0 is
/// computed), its words, and where each fill field sits, found by name through
/// `AvantisFieldMap`. A new generation is a new ABI file, not new code.
public struct AvantisEventDefinition: Sendable {
    public let name: String
    public let contract: AvantisContract
    public let generation: EventGeneration
    public let role: AvantisEventRole
    public let fields: [ABIField]
    /// Where it came from: `built-in v1.5`, or an `AVANTIS_ABI_DIR` file.
    public let source: String
    public let signature: String
    public let topic0: Hash32
    /// The words of the head of `data` (non-indexed fields, static tuples flattened), in order.
    public let dataLayout: [(path: String, type: ABIType)]
    /// Whether `data` has a tail past its head (a dynamic field).
    public let hasDynamicData: Bool
    public let layout: FieldLayout

    /// Why an event cannot serve its role; the catalogue adds the file.
    public struct Unusable: Error, Sendable, Equatable {
        public var field: String
        public var reason: String
    }

    public init(_ event: ABIEvent, contract: AvantisContract, generation: EventGeneration, source: String) throws(Unusable) {
        name = event.name
        self.contract = contract
        self.generation = generation
        role = AvantisEventRole(contract: contract, name: event.name)
        fields = event.inputs
        self.source = source
        signature = name + "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")"
        topic0 = Hash32(bytes: Keccak256.hash(signature.utf8))!
        dataLayout = fields.filter { !$0.indexed }.flatMap { $0.type.flattened(prefix: $0.name) }
        hasDynamicData = fields.contains { !$0.indexed && $0.type.isDynamic }

        var places: [String: (FieldLayout.Place, ABIType)] = [:]
        for (index, word) in dataLayout.enumerated() { places[word.path] = (.word(index), word.type) }
        for (index, field) in fields.filter(\.indexed).enumerated() { places[field.name] = (.topic(index + 1), field.type) }
        var layout = FieldLayout()
        for column in AvantisFieldMap.columns(for: role) {
            guard let name = column.names.first(where: { places[$0] != nil }), let (place, type) = places[name] else {
                if column.required { throw Unusable(field: column.names[0], reason: "is missing (\(column.meaning))") }
                continue
            }
            guard column.kind.accepts(type) else {
                throw Unusable(field: name, reason: "is \(type.canonicalName), expected \(column.kind.expected) (\(column.meaning))")
            }
            layout.set(column.field, place, name: name)
        }
        self.layout = layout
    }

    /// How many topics a log of this event carries (topic0 plus the indexed fields).
    public var topicCount: Int { 1 + fields.filter(\.indexed).count }

    /// The fills column or use of a data word, for `alfa abi inspect`.
    public func meaning(ofWord index: Int) -> String? {
        AvantisFieldMap.columns(for: role).first { layout[$0.field] == .word(index) }?.meaning
    }
}
