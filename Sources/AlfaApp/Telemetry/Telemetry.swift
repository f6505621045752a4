import AlfaChain
import CoreMetrics
import Metrics
import Foundation
import Prometheus

/// The process's metrics: swift-metrics handles written into one Prometheus registry, which
/// `/metrics` renders. The factory is passed explicitly rather than bootstrapped globally, so a
/// handle made before the server starts is never a no-op and tests need no process-wide setup.
///
/// Names follow Prometheus' conventions: `alfa_` prefix, base units (seconds, blocks), `_total`
/// on counters. A name always carries the same label names: the registry refuses a mix.
public final class Telemetry: Sendable {
    public static let shared = Telemetry()

    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory
    /// When this process started, for uptime.
    let startedAt = Date()

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a loopback RPC (1 ms) to a provider across an ocean under load (10 s).
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        // Series that exist from the start at zero, so a dashboard's rate() has a baseline
        // before the first event (labels known only at the event, such as an RPC host, cannot).
        for name in ["alfa_indexer_fills_total", "alfa_indexer_pages_total", "alfa_bot_updates_total", "alfa_bot_messages_sent_total",
                     "alfa_db_connections_opened_total"] {
            counter(name).increment(by: 0)
        }
        for method in ["getUpdates", "send"] { counter("alfa_bot_rate_limited_total", [("method", method)]).increment(by: 0) }
        for name in ["alfa_indexer_page_duration_seconds", "alfa_leaderboard_refresh_duration_seconds"] { _ = timer(name) }
    }

    /// The Prometheus text exposition (format 0.0.4) of every series.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Handles

    func counter(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: name, dimensions: labels, factory: factory)
    }

    func gauge(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory)
    }

    func timer(_ name: String, _ labels: [(String, String)] = []) -> CoreMetrics.Timer {
        CoreMetrics.Timer(label: name, dimensions: labels, preferredDisplayUnit: .seconds, factory: factory)
    }

    // MARK: Events recorded where they happen

    /// The RPC client's events that are metrics (its retries and failovers are log lines).
    func record(_ event: RPCEvent) {
        guard case .exchanged(let host, let duration, let failure) = event else { return }
        counter("alfa_rpc_requests_total", [("host", host)]).increment()
        if let failure { counter("alfa_rpc_errors_total", [("host", host), ("kind", failure)]).increment() }
        timer("alfa_rpc_request_duration_seconds", [("host", host)]).record(duration: duration)
    }

    func indexedPage(duration: Duration, fills: Int, rawLogs: [String: Int]) {
        timer("alfa_indexer_page_duration_seconds").record(duration: duration)
        counter("alfa_indexer_pages_total").increment()
        counter("alfa_indexer_fills_total").increment(by: fills)
        for (reason, count) in rawLogs where count > 0 {
            counter("alfa_indexer_raw_logs_total", [("reason", reason)]).increment(by: count)
        }
    }

    func leaderboardRefreshed(milliseconds: Double) {
        timer("alfa_leaderboard_refresh_duration_seconds").recordMilliseconds(milliseconds)
    }

    func botUpdateHandled() { counter("alfa_bot_updates_total").increment() }

    func botMessageSent() { counter("alfa_bot_messages_sent_total").increment() }

    func botRateLimited(_ method: String) { counter("alfa_bot_rate_limited_total", [("method", method)]).increment() }

    func httpRequest(route: String, status: Int, duration: Duration) {
        counter("alfa_http_requests_total", [("route", route), ("status", String(status))]).increment()
        timer("alfa_http_request_duration_seconds", [("route", route)]).record(duration: duration)
    }
}
