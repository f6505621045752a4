/// `a × b / c` for money and quantities, exact (truncated toward zero) and clamped to Int64.
/// Uses the processor's 128-by-64-bit division when the quotient fits, which is most of
/// the time and several times faster than a general 128-bit division.
@inline(__always)
func mulDiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
    precondition(c != 0, "division by zero")
    let negative = (a < 0) != (b < 0) ? c > 0 : c < 0
    let product = a.magnitude.multipliedFullWidth(by: b.magnitude)
    let divisor = c.magnitude
    guard product.high < divisor else {
        return Int64(clamping: Int128(a) * Int128(b) / Int128(c))
    }
    let quotient = divisor.dividingFullWidth(product).quotient
    if negative {
        return quotient > UInt64(Int64.max) + 1 ? Int64.min : Int64(truncatingIfNeeded: 0 &- quotient)
    }
    return quotient > UInt64(Int64.max) ? Int64.max : Int64(quotient)
}
