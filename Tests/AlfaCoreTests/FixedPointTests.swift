@testable import AlfaCore
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
        // Scale 0, whole numbers: once a crash (a negative count of padding zeros).
        #expect(FixedPoint.format(Int64(-42), scale: 0) == "-42")
        #expect(FixedPoint.format(Int64(0), scale: 0) == "0")
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

@Suite("Statistics")
struct StatisticsTests {
    @Test func theMedianBySelectionEqualsTheMedianBySorting() {
        var random = SeededRandom(seed: 5)
        for count in [1, 2, 3, 4, 5, 10, 101, 1_000, 1_001] {
            for _ in 0..<20 {
                let values = (0..<count).map { _ in Int64.random(in: -50...50, using: &random) }
                let sorted = values.sorted()
                let expected = count % 2 == 1 ? sorted[count / 2] : sorted[count / 2 - 1] + (sorted[count / 2] - sorted[count / 2 - 1]) / 2
                #expect(Statistics.median(values) == expected)
            }
        }
        #expect(Statistics.median([]) == nil)
    }

    @Test func wilsonShrinksSmallSamples() {
        #expect(Statistics.wilsonLowerBound(successes: 3, trials: 3) < Statistics.wilsonLowerBound(successes: 60, trials: 80))
        #expect(abs(Statistics.wilsonLowerBound(successes: 60, trials: 80) - 0.6452) < 0.001) // by hand: 0.67613 / 1.04802
        #expect(Statistics.wilsonLowerBound(successes: 0, trials: 0) == 0)
    }

    @Test func theProbabilisticSharpeRatioFollowsTheFormula() {
        let steady = (0..<60).map { Double($0 % 3) - 0.5 }     // positive mean, some spread
        let psr = Statistics.probabilisticSharpe(steady)
        #expect(psr > 0.5 && psr <= 1)
        #expect(Statistics.probabilisticSharpe(steady.map { -$0 }) < 0.5)
        #expect(Statistics.probabilisticSharpe([1, 1, 1]) == 0.5)   // no spread, no evidence
        #expect(abs(Statistics.normalCDF(1.96) - 0.975) < 0.001)
    }
}

@Suite("Multiply-divide")
struct MulDivTests {
    @Test func agreesWith128BitArithmeticAndClamps() {
        var random = SeededRandom(seed: 17)
        for _ in 0..<20_000 {
            let a = Int64.random(in: -1_000_000_000_000_000...1_000_000_000_000_000, using: &random)
            let b = Int64.random(in: -10_000_000_000_000...10_000_000_000_000, using: &random)
            var c = Int64.random(in: -100_000_000_000...100_000_000_000, using: &random)
            if c == 0 { c = 7 }
            #expect(mulDiv(a, b, c) == Int64(clamping: Int128(a) * Int128(b) / Int128(c)))
        }
        #expect(mulDiv(Int64.max, Int64.max, 1) == Int64.max)
        #expect(mulDiv(Int64.min, 1, 1) == Int64.min)
        #expect(mulDiv(Int64.min, Int64.max, 1) == Int64.min)
        #expect(mulDiv(-7, 2, 4) == -3)   // truncated toward zero, like Int128
    }
}
