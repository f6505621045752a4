import AlfaCore
import Testing

@Suite("Open positions at their marks (/copy pnl)")
struct OpenPositionsReportTests {
    static let open: Int64 = 650_000_000_000_000

    static func position(_ id: Int64, pair: Int32, long: Bool = true, mode: ExecutionMode = .dry) -> MirroredPosition {
        MirroredPosition(openOrderID: id, pairIndex: pair, isLong: long, entryPrice: open, leverage: 100_000_000_000,
                         remainingCollateral: 100_000_000, remainingOpeningFee: 600_000, mode: mode)
    }

    @Test func eachPositionShowsItsMarkPnLAndLiquidationAndOnlyFreshMarksCount() {
        let marks: [Int32: Mark] = [
            0: Mark(price: Self.open + Self.open / 10, source: .pyth, publishedAt: 997),  // +10 %: +100 USDC
            1: Mark(price: Self.open - Self.open / 20, source: .lastFill, publishedAt: 100),  // stale: left out
        ]
        let report = OpenPositionsReport([Self.position(2, pair: 1), Self.position(1, pair: 0, mode: .live), Self.position(3, pair: 7)],
                                         marks: marks, now: 1_000, maxAge: 60)
        #expect(report.unrealized == 100_000_000 && report.unvalued == 2)
        let lines = report.html(realized: -25_000_000).split(separator: "\n").map(String.init)
        #expect(lines == [
            "<b>Open positions</b>: 3 · unrealized +100.00 USDC before closing fees (2 without a fresh mark left out) · equity PnL +75.00 USDC",
            "#1 ETH/USD long 100.00 USDC ×10.0 LIVE · entry 65,000.00 · mark 71,500.00 (pyth, 3 s old) · PnL +100.00 · liquidation 59,475.00 (16.8 % away)",
            "#2 BTC/USD long 100.00 USDC ×10.0 DRY · entry 65,000.00 · mark 61,750.00 (last fill, 900 s old, stale) · PnL -50.00 · liquidation 59,475.00 (3.7 % away)",
            "#3 OP/USD long 100.00 USDC ×10.0 DRY · entry 65,000.00 · no mark",
        ])
    }

    @Test func noOpenPositionIsSaidInOneLine() {
        #expect(OpenPositionsReport([], marks: [:], now: 0, maxAge: 60).html(realized: 0) == "<b>Open positions</b>: none")
    }
}
