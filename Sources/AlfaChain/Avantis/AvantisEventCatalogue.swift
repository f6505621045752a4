import AlfaCore

/// Every Avantis event the indexer knows, keyed by topic0. Facts from avantis-events.md
/// and the ABI fragments of generations v1 and v1.5.
public struct AvantisEventCatalogue: Sendable {
    public let definitions: [AvantisEventDefinition]
    private let byTopic: [Hash32: AvantisEventDefinition]

    public init(_ definitions: [AvantisEventDefinition]) {
        self.definitions = definitions
        var byTopic: [Hash32: AvantisEventDefinition] = [:]
        for definition in definitions {
            // Events shared by generations (same signature) are listed once; a clash would be a catalogue bug.
            precondition(byTopic[definition.topic0] == nil, "two catalogue entries share topic0 \(definition.topic0)")
            byTopic[definition.topic0] = definition
        }
        self.byTopic = byTopic
    }

    public func definition(for topic0: Hash32) -> AvantisEventDefinition? { byTopic[topic0] }

    /// The generations of executed events, newest last.
    public var fillGenerations: [EventGeneration] {
        var seen: [EventGeneration] = []
        for definition in definitions where definition.role == .marketExecuted && !seen.contains(definition.generation) {
            seen.append(definition.generation)
        }
        return seen
    }

    public static let avantis = AvantisEventCatalogue([
        executed(.marketExecuted, "v1", isPnl: false,
                 topic0: "0xdbe34a0ae1c9c65460a7efc44af9aadd9b07a8b3e112ee70a71eeeba287b2d62"),
        executed(.marketExecuted, "v1.5", isPnl: true,
                 topic0: "0x5c00d8b4c6c92b4922d1bd61ef722ec9a29169acb95d956676b07be6a6643eea"),
        executed(.limitExecuted, "v1", isPnl: false,
                 topic0: "0xa8f1c330dfd645b9efba2033f04003aa1793208fa11fa288d7cedacb5102d312"),
        executed(.limitExecuted, "v1.5", isPnl: true,
                 topic0: "0xbf3d234454deff88435a11abb8501124ff9e6923fd2fdfc730d83474b6ffbe2c"),
        AvantisEventDefinition(
            name: "MarketOpenCanceled", contract: .tradingCallbacks, generation: "v1+", role: .marketOpenCanceled,
            fields: [ABIField("orderId", .uint256), ABIField("trader", .address, indexed: true), ABIField("pairIndex", .uint256)],
            columns: ["orderId": "(copy engine: order refused)", "pairIndex": "(copy engine)"],
            publishedTopic0: "0x4b2ef4d80a0964a9a8f43256d8111558389b384d2029743c1eeb6950b14d9c65"),
        AvantisEventDefinition(
            name: "FeesCharged", contract: .tradingStorage, generation: "v1+", role: .openingFee,
            fields: [ABIField("_trader", .address), ABIField("_pairIndex", .uint256), ABIField("_buy", .bool),
                     ABIField("fee", .uint256)],
            columns: ["_trader": "(match)", "_pairIndex": "(match)", "_buy": "(match)", "fee": "opening_fee"],
            publishedTopic0: "0x9921a6a6258398cbe136bac24f80d97ba2b5e4ab8cf2b2d27232d2ae1c78cdd3"),
        AvantisEventDefinition(
            name: "FeesCharged", contract: .pairInfos, generation: "v1+", role: .closingFee,
            fields: [ABIField("buy", .bool), ABIField("collateral", .uint256), ABIField("leverage", .uint256),
                     ABIField("percentProfit", .int256), ABIField("r", .uint256), ABIField("closingFee", .uint256),
                     ABIField("lossProtection", .uint256)],
            columns: ["buy": "(match)", "collateral": "(match)", "leverage": "(match)", "r": "rollover_fee",
                      "closingFee": "closing_fee"],
            publishedTopic0: "0xb70bf101b761b8a0fe59428f8a894321d6639ef13ab81b9bf16d19764a7dba66"),
        AvantisEventDefinition(
            name: "OIUpdated", contract: .tradingStorage, generation: "v1+", role: .informational,
            fields: [ABIField("_open", .bool), ABIField("_long", .bool), ABIField("_pairIndex", .uint256),
                     ABIField("_leveragedPos", .uint256), ABIField("_price", .uint256)]),
        AvantisEventDefinition(
            name: "TradeReferred", contract: .tradingStorage, generation: "v1", role: .informational,
            fields: [ABIField("_trader", .address), ABIField("_referrer", .address), ABIField("_leveragedPosition", .uint256),
                     ABIField("_traderFeePostDiscount", .uint256), ABIField("_startingFees", .uint256),
                     ABIField("_referrerRebate", .uint256)]),
        AvantisEventDefinition(
            name: "TradeReferred", contract: .tradingStorage, generation: "v1.5", role: .informational,
            fields: [ABIField("_trader", .address), ABIField("_referrer", .address), ABIField("_leveragedPosition", .uint256),
                     ABIField("_traderFeePostDiscount", .uint256), ABIField("_startingFees", .uint256),
                     ABIField("_referrerRebate", .uint256), ABIField("_pairIndex", .uint256)]),
        AvantisEventDefinition(
            name: "TradeInitialAccFeesStored", contract: .pairInfos, generation: "v1+", role: .informational,
            fields: [ABIField("trader", .address), ABIField("pairIndex", .uint256), ABIField("index", .uint256),
                     ABIField("rollover", .uint256)]),
    ])

    static let trade = ABIType.tuple([
        ABIField("trader", .address), ABIField("pairIndex", .uint256), ABIField("index", .uint256),
        ABIField("initialPosToken", .uint256), ABIField("positionSizeUSDC", .uint256), ABIField("openPrice", .uint256),
        ABIField("buy", .bool), ABIField("leverage", .uint256), ABIField("tp", .uint256), ABIField("sl", .uint256),
        ABIField("timestamp", .uint256),
    ])

    /// `MarketExecuted` / `LimitExecuted` of one generation: the Trade tuple, then the
    /// execution words, and `isPnl` from v1.5 on.
    private static func executed(_ role: AvantisEventRole, _ generation: EventGeneration, isPnl: Bool,
                                 topic0: String) -> AvantisEventDefinition {
        let isLimit = role == .limitExecuted
        var fields = [ABIField("orderId", .uint256)]
        if isLimit { fields.append(ABIField("limitIndex", .uint256)) }
        fields.append(ABIField("t", trade))
        fields.append(isLimit ? ABIField("orderType", .uint8) : ABIField("open", .bool))
        fields += [ABIField("price", .uint256), ABIField("positionSizeUSDC", .uint256), ABIField("percentProfit", .int256),
                   ABIField("usdcSentToTrader", .uint256)]
        if isPnl { fields.append(ABIField("isPnl", .bool)) }
        var columns = [
            "orderId": "order_id", "t.trader": "trader", "t.pairIndex": "pair_index", "t.index": "trade_index",
            "t.initialPosToken": "position_collateral", "t.buy": "is_long", "t.leverage": "leverage",
            "t.timestamp": "open_time", "price": "price", "positionSizeUSDC": "collateral",
            "percentProfit": "percent_profit (closes)", "usdcSentToTrader": "payout (closes)",
            "t.positionSizeUSDC": "(unreliable: unused)", "t.openPrice": "(entry, unused)",
        ]
        columns[isLimit ? "orderType" : "open"] = "kind, order_type"
        if isLimit { columns["limitIndex"] = "(unused: an oracle price on v1 closes)" }
        return AvantisEventDefinition(
            name: isLimit ? "LimitExecuted" : "MarketExecuted", contract: .tradingCallbacks, generation: generation,
            role: role, fields: fields, columns: columns, publishedTopic0: topic0)
    }
}
