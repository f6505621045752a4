/// A value an Avantis event carries into a fill, or into the matching of a fill with its fees.
public enum FillField: Int, Sendable, CaseIterable {
    case orderID, trader, pairIndex, tradeIndex, positionCollateral, openPrice, isLong, leverage, openTime
    case marketOpen, limitOrderType, price, collateral, percentProfit, payout, coinExposure
    case openingFee, rollover, closingFee, funding
}

/// The one table from ABI field names to fill columns. Decoding goes by name, never by
/// position, so a layout with the fields in another order or with extra fields decodes with
/// no change here; a name missing from an event is an error when its kind needs it.
public enum AvantisFieldMap {
    /// What a word must be to feed its column.
    public enum Kind: Sendable {
        case address, unsigned, signed, bool

        func accepts(_ type: ABIType) -> Bool {
            switch (self, type) {
            case (.address, .address), (.unsigned, .uint), (.signed, .int), (.bool, .bool): true
            default: false
            }
        }

        var expected: String {
            switch self {
            case .address: "address"
            case .unsigned: "a uint type"
            case .signed: "an int type"
            case .bool: "bool"
            }
        }
    }

    public struct Column: Sendable {
        public let field: FillField
        /// The ABI names that mean it, the first as the built-in ABIs spell it.
        public let names: [String]
        public let kind: Kind
        public let required: Bool
        /// The fills column or use, for `alfa abi inspect`.
        public let meaning: String
    }

    private static func column(_ field: FillField, _ names: [String], _ kind: Kind, required: Bool = true,
                               _ meaning: String) -> Column {
        Column(field: field, names: names, kind: kind, required: required, meaning: meaning)
    }

    /// The Trade tuple's fields, shared by every execution.
    private static let trade: [Column] = [
        column(.trader, ["t.trader"], .address, "trader"),
        column(.pairIndex, ["t.pairIndex"], .unsigned, "pair_index"),
        column(.tradeIndex, ["t.index"], .unsigned, "trade_index"),
        column(.positionCollateral, ["t.initialPosToken"], .unsigned, "position_collateral"),
        column(.openPrice, ["t.openPrice"], .unsigned, required: false, "(entry price, unused)"),
        column(.isLong, ["t.buy"], .bool, "is_long"),
        column(.leverage, ["t.leverage"], .unsigned, "leverage"),
        column(.openTime, ["t.timestamp"], .unsigned, "open_time (the position's lifecycle)"),
    ]

    private static let execution: [Column] = [column(.orderID, ["orderId"], .unsigned, "order_id")] + trade + [
        column(.price, ["price"], .unsigned, "price"),
        column(.collateral, ["positionSizeUSDC"], .unsigned, "collateral (opened, or closed)"),
        column(.percentProfit, ["percentProfit"], .signed, "percent_profit (closes)"),
        column(.payout, ["usdcSentToTrader"], .unsigned, "payout (closes, net of every close-side fee)"),
        column(.coinExposure, ["coinExposure"], .unsigned, required: false, "(coin exposure, unused)"),
    ]

    /// The columns an event of `role` reads.
    public static func columns(for role: AvantisEventRole) -> [Column] {
        switch role {
        case .marketExecuted:
            execution + [column(.marketOpen, ["open"], .bool, "kind (open or close)")]
        case .limitExecuted:
            execution + [column(.limitOrderType, ["orderType"], .unsigned, "kind, order_type (0 TP, 1 SL, 2 liquidation, 3 open)")]
        case .positionIncreased:
            // The layout is not public: these names are alfa's, for an operator's ABI file.
            [column(.orderID, ["orderId"], .unsigned, required: false, "order_id")] + trade + [
                column(.price, ["price", "executionPrice"], .unsigned, "price (of the added collateral)"),
                column(.collateral, ["positionSizeUSDC", "collateralDelta", "amount", "addedCollateral"], .unsigned,
                       "collateral (added)"),
            ]
        case .marketOpenCanceled:
            [column(.orderID, ["orderId"], .unsigned, "(copy engine: the order refused)"),
             column(.trader, ["trader", "_trader"], .address, "(copy engine)"),
             column(.pairIndex, ["pairIndex", "_pairIndex"], .unsigned, "(copy engine)")]
        case .openingFee:
            [column(.trader, ["_trader", "trader"], .address, "(matched to the open)"),
             column(.pairIndex, ["_pairIndex", "pairIndex"], .unsigned, "(matched to the open)"),
             column(.isLong, ["_buy", "buy"], .bool, "(matched to the open)"),
             column(.openingFee, ["fee", "_fee"], .unsigned, "opening_fee")]
        case .closingFee:
            [column(.isLong, ["buy", "_buy"], .bool, "(matched to the close)"),
             column(.collateral, ["collateral"], .unsigned, "(matched to the close)"),
             column(.leverage, ["leverage"], .unsigned, "(matched to the close)"),
             column(.rollover, ["r", "rollover"], .unsigned, "rollover_fee"),
             column(.closingFee, ["closingFee"], .unsigned, "closing_fee"),
             column(.funding, ["fundingFee"], .signed, required: false, "funding_usdc (+ paid by the trader, − received)")]
        case .informational:
            []
        }
    }
}

/// Where each fill field sits in one event's log: a data word, a topic, or nowhere; and the
/// ABI name it has there, for error messages.
public struct FieldLayout: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        case word(Int)
        case topic(Int)
    }

    private var places: [Place?] = Array(repeating: nil, count: FillField.allCases.count)
    private var names: [String] = Array(repeating: "", count: FillField.allCases.count)

    public subscript(field: FillField) -> Place? { places[field.rawValue] }

    public func name(of field: FillField) -> String { names[field.rawValue] }

    mutating func set(_ field: FillField, _ place: Place, name: String) {
        places[field.rawValue] = place
        names[field.rawValue] = name
    }
}
