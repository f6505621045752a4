import AlfaCore
import Foundation

/// How the commands' `--json` output is written: pretty, keys sorted, money as exact decimal strings.
enum JSONOutput {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// USDC × 1e6 as a decimal string, exact: `-12.345`.
    static func usdc(_ value: Int64) -> String { FixedPoint.format(value, scale: FixedPoint.usdcScale) }
}
