/// `alfa export fills`: one row per fill, decimal strings in human units (exact, never
/// rounded), lowercase hex addresses and hashes.
public enum FillExport {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public static let columns = [
        "block_number", "block_time", "tx_hash", "log_index", "trader", "pair_index", "trade_index", "kind",
        "order_type", "is_long", "price", "collateral_usdc", "leverage", "notional_usdc", "gross_pnl_usdc",
        "fees_usdc", "net_pnl_usdc", "event_generation",
    ]

    /// The row's values, in `columns` order.
    public static func values(_ fill: Fill) -> [String] {
        [
            String(fill.blockNumber), isoTime(fill.blockTime), fill.txHash.description, String(fill.logIndex),
            fill.trader.description, String(fill.pairIndex), String(fill.tradeIndex), fill.kind.rawValue,
            fill.orderType.rawValue, fill.isLong ? "true" : "false",
            FixedPoint.format(fill.price, scale: FixedPoint.priceScale),
            FixedPoint.format(fill.collateral, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.leverage, scale: FixedPoint.priceScale),
            FixedPoint.format(fill.notional, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.grossPnL, scale: FixedPoint.usdcScale),
            FixedPoint.format(fill.fees, scale: FixedPoint.usdcScale),
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

    /// `2026-11-21T10:00:00Z` from unix seconds, without Foundation's formatters.
    public static func isoTime(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}
