import AlfaCharts
import AlfaCore
import AlfaTelegram
import Foundation
import Logging

/// Turns a reply's chart into what its channel sends: a PNG for Telegram, a file for the
/// console. A chart that cannot be drawn is logged and left out: the text still goes.
public struct ChartDelivery: Sendable {
    private let png: @Sendable (EquityChart) async throws -> [UInt8]
    private let write: @Sendable (EquityChart, URL) async throws -> URL
    private let logger: Logger

    public init(renderer: ChartRenderer = ChartRenderer(), logger: Logger) {
        self.init(logger: logger, png: { try await renderer.png($0) }, write: { try await renderer.write($0, into: $1) })
    }

    /// `png` and `write` draw (and store) a chart; tests make them fail.
    init(logger: Logger, png: @escaping @Sendable (EquityChart) async throws -> [UInt8],
         write: @escaping @Sendable (EquityChart, URL) async throws -> URL) {
        self.png = png
        self.write = write
        self.logger = logger
    }

    public func photo(for chart: EquityChart?) async -> Photo? {
        guard let chart else { return nil }
        do {
            return Photo(png: try await png(chart), fileName: chart.fileName)
        } catch {
            logFailure(chart, error)
            return nil
        }
    }

    /// Writes the chart's PNG under `directory` (on the renderer's thread) and returns its path.
    public func file(for chart: EquityChart?, in directory: URL) async -> String? {
        guard let chart else { return nil }
        do {
            return try await write(chart, directory).path
        } catch {
            logFailure(chart, error)
            return nil
        }
    }

    private func logFailure(_ chart: EquityChart, _ error: any Error) {
        logger.error("could not draw a chart; the text goes without it", metadata: ["chart": "\(chart.title)", "error": "\(error)"])
    }

    /// Where the console chat writes its charts.
    public static let consoleDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-charts")
}
