import AlfaCharts
import AlfaCore
import Foundation
import Testing

@Suite("Charts drawn with cairo")
struct ChartRendererTests {
    /// Width and height from a PNG's IHDR chunk, after checking the signature.
    static func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
              String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR" else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    static let sample = EquityChart(
        title: "0x6224…d8e6 · equity · 30d",
        closes: [(1_800_000_000, 120_000_000), (1_800_086_400, -300_000_000), (1_800_172_800, 80_000_000),
                 (1_800_259_200, 400_000_000), (1_800_345_600, -50_000_000)].map { RealizedClose(time: $0.0, pnl: $0.1) },
        start: 1_799_900_000, end: 1_800_400_000, unrealized: -25_000_000, fileName: "trader-6224.png")

    @Test func anEquityCurveBecomesAPNGOfTheChartsSize() async throws {
        let png = try await ChartRenderer().png(Self.sample)
        let size = try #require(Self.pngSize(png))
        #expect(size.width == ChartRenderer.width && size.height == ChartRenderer.height)
        // A drawn chart compresses well, but not to nothing: lines, shading and text are there.
        #expect((10_000...400_000).contains(png.count))
    }

    @Test func anEmptyHistoryStillDraws() throws {
        let empty = EquityChart(title: "nobody", closes: [], start: nil, end: 1_800_000_000, fileName: "empty.png")
        let png = try ChartRenderer.render(empty, width: 600, height: 340)
        #expect(Self.pngSize(png)?.width == 600)
    }

    @Test func aHundredThousandClosesDrawAsFastAsAFew() throws {
        var random = SeededRandom(seed: 7)
        let closes = (0..<100_000).map { RealizedClose(time: Int64(1_800_000_000 + $0 * 60), pnl: Int64.random(in: -50_000_000...52_000_000, using: &random)) }
        let chart = EquityChart(title: "whale", closes: closes, start: nil, end: 1_806_000_000, fileName: "whale.png")
        let layout = ChartLayout(chart)
        #expect(layout.line.count <= 4 * 1_200)
        #expect(Self.pngSize(try ChartRenderer.render(chart)) != nil)
    }
}
