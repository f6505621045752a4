/// `alfa export orders`: one row per copy order, linked to the leader fill that caused it,
/// amounts in human units (exact decimals).
public enum OrderExport {
    public static let columns = [
        "id", "created_at", "leader_fill_id", "leader", "leader_kind", "leader_price", "action", "mode", "status", "reason",
        "pair_index", "pair", "is_long", "collateral_usdc", "leverage", "position_order_id", "nonce", "tracking_id", "tx_hash", "fill_price",
        "fill_collateral_usdc", "fee_usdc", "gross_pnl_usdc", "net_pnl_usdc", "gas_usdc",
    ]

    public static func values(_ order: CopyOrder) -> [String?] {
        func usdc(_ value: Int64?) -> String? { value.map { FixedPoint.format($0, scale: FixedPoint.usdcScale) } }
        func price(_ value: Int64?) -> String? { value.map { FixedPoint.format($0, scale: FixedPoint.priceScale) } }
        return [
            String(order.id), CivilDate.isoTime(unixSeconds: order.createdAt), String(order.leaderFillID), order.leader.description,
            order.leaderKind.rawValue, price(order.leaderPrice), order.action.rawValue, order.mode.rawValue, order.status.rawValue,
            order.reason, String(order.pairIndex), PairCatalogue.builtIn.name(of: order.pairIndex), order.isLong ? "true" : "false",
            usdc(order.collateral), price(order.leverage), order.positionOrderID.map(String.init),
            // v2: the intent's 256-bit nonce; v1.5 orders kept their transaction nonce.
            order.live.nonce ?? order.nonce.map(String.init), order.live.trackingID, order.txHash?.description, price(order.fillPrice),
            usdc(order.fillCollateral), usdc(order.fee), usdc(order.grossPnL), usdc(order.netPnL), usdc(order.gasUSDC),
        ]
    }

    public static func render(_ orders: [CopyOrder], format: FillExport.Format) -> String {
        switch format {
        case .csv:
            let rows = orders.map { values($0).map { csvField($0 ?? "") }.joined(separator: ",") }
            return ([columns.joined(separator: ",")] + rows).joined(separator: "\n") + "\n"
        case .json:
            let rows = orders.map { order in
                "{" + zip(columns, values(order)).map { "\"\($0)\":" + ($1.map(jsonString) ?? "null") }.joined(separator: ",") + "}"
            }
            return "[" + (rows.isEmpty ? "" : "\n" + rows.joined(separator: ",\n") + "\n") + "]\n"
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
