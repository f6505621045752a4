import AlfaCore
import AlfaSystem
import CCairo
import Foundation

/// Draws an `EquityChart` as a PNG with cairo: white background, the equity in blue, drawdowns
/// shaded red, large labels for a phone. Rendering is CPU work in C, so it runs on a thread of
/// its own, never on Swift's cooperative pool.
public final class ChartRenderer: Sendable {
    public struct RenderingFailed: Error, CustomStringConvertible {
        public let description: String
    }

    public static let width = 1200
    public static let height = 675

    private let worker = BlockingWorker(name: "charts")

    public init() {}

    deinit { worker.shutdown() }

    public func png(_ chart: EquityChart) async throws -> [UInt8] {
        try await worker.run { try Self.render(chart) }
    }

    /// Draws the chart into `directory` (created if needed) as its `fileName`; returns the file.
    public func write(_ chart: EquityChart, into directory: URL) async throws -> URL {
        try await worker.run {
            let url = directory.appendingPathComponent(chart.fileName)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(try Self.render(chart)).write(to: url)
            return url
        }
    }

    /// Synchronous: call on a thread that may block.
    public static func render(_ chart: EquityChart, width: Int = width, height: Int = height) throws -> [UInt8] {
        let fontSize = Double(height) / 26
        let layout = ChartLayout(chart, width: Double(width), height: Double(height), fontSize: fontSize)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
            throw RenderingFailed(description: "cairo could not create a \(width)×\(height) surface")
        }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw RenderingFailed(description: "cairo could not create a context") }
        defer { cairo_destroy(cr) }
        draw(layout, on: cr, fontSize: fontSize)
        cairo_surface_flush(surface)
        guard cairo_status(cr) == CAIRO_STATUS_SUCCESS else {
            throw RenderingFailed(description: String(cString: cairo_status_to_string(cairo_status(cr))))
        }
        let sink = PNGSink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            let sink = Unmanaged<PNGSink>.fromOpaque(closure!).takeUnretainedValue()
            if let data { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length))) }
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderingFailed(description: "PNG encoding failed: " + String(cString: cairo_status_to_string(status)))
        }
        return withExtendedLifetime(sink) { sink.bytes }
    }

    private final class PNGSink {
        var bytes: [UInt8] = []
    }

    // MARK: Drawing

    /// The two colours: the equity line and its drawdowns.
    private static let blue = (0.12, 0.31, 0.60)
    private static let red = (0.84, 0.27, 0.24)

    private static func draw(_ layout: ChartLayout, on cr: OpaquePointer, fontSize: Double) {
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        let plot = layout.plot
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)

        // Grid and axis labels.
        cairo_set_line_width(cr, 1)
        cairo_set_font_size(cr, fontSize * 0.8)
        for tick in layout.yTicks {
            cairo_set_source_rgb(cr, 0.88, 0.88, 0.88)
            cairo_move_to(cr, plot.left, tick.position)
            cairo_line_to(cr, plot.right, tick.position)
            cairo_stroke(cr)
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
            text(cr, tick.label, x: plot.left - fontSize * 0.4, y: tick.position, alignX: 1, alignY: 0.5)
        }
        for tick in layout.xTicks {
            cairo_set_source_rgb(cr, 0.93, 0.93, 0.93)
            cairo_move_to(cr, tick.position, plot.top)
            cairo_line_to(cr, tick.position, plot.bottom)
            cairo_stroke(cr)
            cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
            text(cr, tick.label, x: tick.position, y: plot.bottom + fontSize * 0.3, alignX: 0.5, alignY: 0)
        }
        if let zero = layout.zero {
            cairo_set_source_rgb(cr, 0.55, 0.55, 0.55)
            cairo_set_line_width(cr, 2)
            cairo_move_to(cr, plot.left, zero)
            cairo_line_to(cr, plot.right, zero)
            cairo_stroke(cr)
        }

        // Drawdowns, under the line.
        cairo_set_source_rgba(cr, red.0, red.1, red.2, 0.35)
        for polygon in layout.drawdowns {
            path(cr, polygon)
            cairo_close_path(cr)
            cairo_fill(cr)
        }

        // The equity.
        cairo_set_source_rgb(cr, blue.0, blue.1, blue.2)
        cairo_set_line_width(cr, 4)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        path(cr, layout.line)
        cairo_stroke(cr)
        if let open = layout.unrealized {
            var dashes: [Double] = [10, 8]
            cairo_set_dash(cr, &dashes, 2, 0)
            cairo_move_to(cr, open.from.x, open.from.y)
            cairo_line_to(cr, open.to.x, open.to.y)
            cairo_stroke(cr)
            cairo_set_dash(cr, nil, 0, 0)
            cairo_arc(cr, open.to.x, open.to.y, 7, 0, 2 * Double.pi)
            cairo_fill(cr)
        }

        // Title and subtitle.
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1)
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(cr, fontSize * 1.15)
        text(cr, layout.title, x: fontSize * 0.6, y: fontSize * 0.5, alignX: 0, alignY: 0)
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, fontSize * 0.8)
        cairo_set_source_rgb(cr, 0.35, 0.35, 0.35)
        text(cr, layout.subtitle, x: fontSize * 0.6, y: fontSize * 1.95, alignX: 0, alignY: 0)
    }

    private static func path(_ cr: OpaquePointer, _ points: [ChartLayout.Pixel]) {
        guard let first = points.first else { return }
        cairo_move_to(cr, first.x, first.y)
        for point in points.dropFirst() { cairo_line_to(cr, point.x, point.y) }
    }

    /// `alignX`/`alignY`: 0 puts the text's left/top at the point, 1 its right/bottom.
    private static func text(_ cr: OpaquePointer, _ string: String, x: Double, y: Double, alignX: Double, alignY: Double) {
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, string, &extents)
        var font = cairo_font_extents_t()
        cairo_font_extents(cr, &font)
        let height = font.ascent + font.descent
        cairo_move_to(cr, x - extents.x_advance * alignX, y - height * alignY + font.ascent)
        cairo_show_text(cr, string)
    }
}
