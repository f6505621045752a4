import AlfaCore

/// The Avantis contracts whose logs the indexer reads.
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
    /// `MarketOpenCanceled`: an open the keeper refused; no fill.
    case marketOpenCanceled
    /// TradingStorage `FeesCharged`: the opening fee of the next open in the transaction.
    case openingFee
    /// PairInfos `FeesCharged`: rollover and closing fee of the next close in the transaction.
    case closingFee
    /// Known and expected, but not part of a fill (open interest, referrals, …).
    case informational
}

/// One event of one generation, as data: its canonical signature (from which topic0 is
/// computed), its fields and the fill column each field feeds. A new generation is a new
/// definition, not new code.
public struct AvantisEventDefinition: Sendable {
    public let name: String
    public let contract: AvantisContract
    public let generation: EventGeneration
    public let role: AvantisEventRole
    public let fields: [ABIField]
    /// Where each data word goes: path (`t.trader`) → fills column or note.
    public let columns: [String: String]
    /// The topic0 published in avantis-events.md, where it publishes one, held against the computed one.
    public let publishedTopic0: Hash32?
    public let signature: String
    public let topic0: Hash32
    /// The words of `data` (non-indexed fields, tuples flattened), in order.
    public let dataLayout: [(path: String, type: ABIType)]
    private let wordIndex: [String: Int]

    public init(name: String, contract: AvantisContract, generation: EventGeneration, role: AvantisEventRole,
                fields: [ABIField], columns: [String: String] = [:], publishedTopic0: String? = nil) {
        self.name = name
        self.contract = contract
        self.generation = generation
        self.role = role
        self.fields = fields
        self.columns = columns
        self.publishedTopic0 = publishedTopic0.map { Hash32(hex: $0)! }
        signature = name + "(" + fields.map(\.type.canonicalName).joined(separator: ",") + ")"
        topic0 = Hash32(bytes: Keccak256.hash(signature))!
        dataLayout = fields.filter { !$0.indexed }.flatMap { $0.type.flattened(prefix: $0.name) }
        wordIndex = Dictionary(uniqueKeysWithValues: dataLayout.enumerated().map { ($1.path, $0) })
    }

    /// The data word holding `path`, if this generation has it.
    public func word(_ path: String) -> Int? { wordIndex[path] }

    /// Whether the computed topic0 is the published one (true where none is published).
    public var topic0MatchesPublished: Bool { publishedTopic0.map { $0 == topic0 } ?? true }

    /// How many topics a log of this event carries (topic0 plus the indexed fields).
    public var topicCount: Int { 1 + fields.filter(\.indexed).count }
}
