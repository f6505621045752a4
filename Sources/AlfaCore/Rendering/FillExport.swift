/// `alfa export fills`: one row per fill, decimal strings in human units (exact, never
/// rounded), lowercase hex addresses and hashes.
public enum FillExport {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public static let columns = [
        "block_number", "block_time", "tx_hash", "log_index", "trader", "pair_index", "pair", "trade_index", "kind",
        "order_type", "is_long", "price", "collateral_usdc", "leverage", "notional_usdc", "gross_pnl_usdc",
        "fees_usdc", "funding_usdc", "net_pnl_usdc", "event_generation",
    ]

    /// The row's values, in `columns` order.
    public static func values(_ fill: Fill) -> [String] {
        [
            String(fill.blockNumber), CivilDate.isoTime(unixSeconds: fill.blockTime), fill.txHash.description, String(fill.logIndex),
            fill.trader.description, String(fill.pairIndex), PairCatalogue.builtIn.name(of: fill.pairIndex), String(fill.tradeIndex),
            fill.kind.rawValue,
            fill.orderType.rawValue, fill.isLong ? "true" : "false",
            FixedPoint.format(fill.price, scale: FixedPoint.priceScale),
            FixedPoint.format(fill.collateral, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.leverage, scale: FixedPoint.priceScale),
            FixedPoint.format(fill.notional, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.grossPnL, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.fees, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.fundingFee, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.netPnL, scale: FixedPoint.usdcScale),
            fill.eventGeneration.description,
        ]
    }

    public static func header(_ format: Format) -> String {
        format == .csv ? columns.joined(separator: ",") + "\n" : "["
    }

    /// One fill; `first` tells JSON whether a comma goes before it.
    public static func row(_ fill: Fill, format: Format, first: Bool) -> String {
        let values = values(fill)
        switch format {
        case .csv:
            return values.joined(separator: ",") + "\n"  // no value holds a comma or a quote
        case .json:
            let numeric: Set = ["block_number", "log_index", "pair_index", "trade_index"]
            let fields = zip(columns, values).map { name, value in
                name == "is_long" || numeric.contains(name) ? "\"\(name)\":\(value)" : "\"\(name)\":\"\(value)\""
            }
            return (first ? "\n" : ",\n") + "{" + fields.joined(separator: ",") + "}"
        }
    }

    public static func footer(_ format: Format, empty: Bool) -> String {
        format == .csv ? "" : (empty ? "]\n" : "\n]\n")
    }
}
