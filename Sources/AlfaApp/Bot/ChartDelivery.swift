import AlfaCharts
import AlfaCore
import AlfaTelegram
import Foundation
import Logging

/// Turns a reply's chart into what its channel sends: a PNG for Telegram, a file for the
/// console. A chart that cannot be drawn is logged and left out: the text still goes.
public struct ChartDelivery: Sendable {
    private let renderer: ChartRenderer
    private let logger: Logger

    public init(renderer: ChartRenderer = ChartRenderer(), logger: Logger) {
        self.renderer = renderer
        self.logger = logger
    }

    public func photo(for chart: EquityChart?) async -> Photo? {
        guard let chart else { return nil }
        do {
            return Photo(png: try await renderer.png(chart), fileName: chart.fileName)
        } catch {
            logger.error("could not draw a chart; the text goes without it", metadata: ["chart": "\(chart.title)", "error": "\(error)"])
            return nil
        }
    }

    /// Writes the chart's PNG under `directory` and returns its path.
    public func file(for chart: EquityChart?, in directory: URL) async -> String? {
        guard let photo = await photo(for: chart) else { return nil }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = directory.appendingPathComponent(photo.fileName)
            try Data(photo.png).write(to: url)
            return url.path
        } catch {
            logger.error("could not write a chart", metadata: ["directory": "\(directory.path)", "error": "\(error)"])
            return nil
        }
    }

    /// Where the console chat writes its charts.
    public static let consoleDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-charts")
}
