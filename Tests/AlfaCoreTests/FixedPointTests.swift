import AlfaCore
import Testing

@Suite("Fixed-point money")
struct FixedPointTests {
    @Test(arguments: [
        ("0", 6, Int64(0)), ("1", 6, 1_000_000), ("-12.345", 6, -12_345_000), ("+0.000001", 6, 1),
        (".5", 6, 500_000), ("65000.1234567891", 10, 650_001_234_567_891), (" 7 ", 0, 7),
        ("9223372036854.775807", 6, Int64.max),
    ])
    func parsesExactly(text: String, scale: Int, expected: Int64) {
        #expect(FixedPoint.parse(text, scale: scale) == expected)
    }

    @Test(arguments: ["", "-", ".", "1.", "1.2.3", "1e5", "0x10", "1.0000001", "9223372036854.775808", "١٢", "1 000"])
    func rejectsWhatIsNotAnExactDecimal(text: String) {
        #expect(FixedPoint.parse(text, scale: 6) == nil)
    }

    @Test func formatsExactlyAndTrimsZeros() {
        #expect(FixedPoint.format(Int64(-12_345_000), scale: 6) == "-12.345")
        #expect(FixedPoint.format(Int64(1_000_000), scale: 6) == "1")
        #expect(FixedPoint.format(Int64(1_000_000), scale: 6, minimumFractionDigits: 2) == "1.00")
        #expect(FixedPoint.format(Int64(-1), scale: 6) == "-0.000001")
        #expect(FixedPoint.format(Int64.min, scale: 6) == "-9223372036854.775808")
        #expect(FixedPoint.format(Int128(Int64.max) * 1000, scale: 10) == "922337203685.4775807")
    }

    @Test func parseAndFormatAreInverses() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &random)
            #expect(FixedPoint.parse(FixedPoint.format(value, scale: 6), scale: 6) == value)
        }
    }
}
