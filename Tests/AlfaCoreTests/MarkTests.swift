import AlfaCore
import Testing

@Suite("Marks: Pyth, the last fill, staleness")
struct MarkTests {
    @Test(arguments: [
        (184_136_023_127, -8, 18_413_602_312_700),  // ETH/USD from Hermes' documented answer: 1,841.36023127
        (65_000, 0, 650_000_000_000_000),
        (12_345_678_901_234, -12, 123_456_789_012),  // 12.345678901234: more digits than alfa keeps, truncated
    ] as [(Int64, Int, Int64)])
    func pythPricesComeToTheTenDigitScale(price: Int64, expo: Int, expected: Int64) {
        #expect(Mark(pythPrice: price, expo: expo, publishedAt: 1)?.price == expected)
    }

    @Test func nonsenseFromPythIsRefused() {
        #expect(Mark(pythPrice: 0, expo: -8, publishedAt: 1) == nil)
        #expect(Mark(pythPrice: -5, expo: -8, publishedAt: 1) == nil)
        #expect(Mark(pythPrice: 1, expo: 30, publishedAt: 1) == nil)
        #expect(Mark(pythPrice: Int64.max, expo: 0, publishedAt: 1) == nil)
    }

    @Test func pythWinsWhileFreshThenTheNewerOfTheTwo() {
        let pyth = Mark(price: 100, source: .pyth, publishedAt: 1_000)
        let fill = Mark(price: 90, source: .lastFill, publishedAt: 990)
        #expect(Mark.best(pyth: pyth, lastFill: fill, now: 1_030, maxAge: 60) == pyth)
        // Pyth stale: the fill if newer, else Pyth, shown as stale.
        let newer = Mark(price: 95, source: .lastFill, publishedAt: 1_100)
        #expect(Mark.best(pyth: pyth, lastFill: newer, now: 1_120, maxAge: 60) == newer)
        #expect(Mark.best(pyth: pyth, lastFill: fill, now: 1_120, maxAge: 60) == pyth)
        #expect(Mark.best(pyth: nil, lastFill: fill, now: 2_000, maxAge: 60) == fill)
        #expect(Mark.best(pyth: nil, lastFill: nil, now: 2_000, maxAge: 60) == nil)
        #expect(pyth.describe(now: 1_003, maxAge: 60) == "0.00 (pyth, 3 s old)")
        #expect(Mark(price: 650_000_000_000_000, source: .lastFill, publishedAt: 0).describe(now: 100, maxAge: 60)
                == "65,000.00 (last fill, 100 s old, stale)")
    }
}
