/// Decimal text ⇄ integers with a known scale, for money and on-chain quantities.
/// USDC amounts have scale 6 (1 USDC = 1_000_000), prices and leverage scale 10.
/// No floating point touches these values.
public enum FixedPoint {
    public static let usdcScale = 6
    public static let priceScale = 10

    /// Parses `"-12.345"` at `scale` into `-12345000` (scale 6). Rejects more fractional
    /// digits than the scale allows rather than rounding silently.
    public static func parse(_ text: String, scale: Int) -> Int64? {
        var digits = Substring(text.trimmingWhitespace())
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
              whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit),
              fraction.count <= scale,
              !(parts.count > 1 && fraction.isEmpty)
        else { return nil }
        var value: Int64 = 0
        for character in whole + fraction.padding(toLength: scale) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = shifted.addingReportingOverflow(Int64(character.asciiValue! - 48))
            guard !overflow1, !overflow2 else { return nil }
            value = added
        }
        return negative ? -value : value
    }

    /// Formats `-12345000` (scale 6) as `"-12.345"`: exact, trailing zeros trimmed
    /// down to `minimumFractionDigits`.
    public static func format(_ value: Int64, scale: Int, minimumFractionDigits: Int = 0) -> String {
        format(Int128(value), scale: scale, minimumFractionDigits: minimumFractionDigits)
    }

    public static func format(_ value: Int128, scale: Int, minimumFractionDigits: Int = 0) -> String {
        let magnitude = value.magnitude
        var unit: UInt128 = 1
        for _ in 0..<scale { unit *= 10 }
        let whole = magnitude / unit
        let sign = value < 0 ? "-" : ""
        guard scale > 0 else { return "\(sign)\(whole)" }
        var fraction = String(magnitude % unit)
        fraction = String(repeating: "0", count: scale - fraction.count) + fraction
        while fraction.count > minimumFractionDigits, fraction.last == "0" { fraction.removeLast() }
        return fraction.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }
}

extension StringProtocol {
    package func trimmingWhitespace() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<end]
    }
}

private extension Substring {
    func padding(toLength length: Int) -> String {
        String(self) + String(repeating: "0", count: Swift.max(0, length - count))
    }
}

extension FixedPoint {
    /// For people: USDC × 1e6 rounded half away from zero to `decimals`, with thousands
    /// separators and an optional explicit sign (`+1,234.50`). The only place money is rounded.
    public static func display(_ value: Int64, scale: Int = usdcScale, decimals: Int = 2, signed: Bool = false) -> String {
        var unit: Int128 = 1
        for _ in 0..<(scale - decimals) { unit *= 10 }
        let magnitude = (Int128(value).magnitude + UInt128(unit / 2)) / UInt128(unit)
        var digits = String(magnitude)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let whole = digits.dropLast(decimals)
        let fraction = digits.suffix(decimals)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        let isZero = magnitude == 0
        let sign = value < 0 && !isZero ? "-" : (signed && !isZero ? "+" : "")
        return sign + grouped + (decimals > 0 ? "." + fraction : "")
    }
}
