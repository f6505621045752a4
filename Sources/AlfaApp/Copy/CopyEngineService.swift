import AlfaCore
import AlfaSettings
import AlfaStore
import Logging
import ServiceLifecycle

/// The copy engine's loop: wakes on the indexer's NOTIFY (or every 200 ms, to keep in-flight
/// orders moving), steps the engine, and evaluates the breakers after every step that settled
/// something and on their timer — when it also reports orders left unanswered too long.
/// Runs inside a `SingletonService`: one executor across replicas.
struct CopyEngineService: Service {
    let engine: CopyEngine
    let monitor: BreakerMonitor
    let alerts: AlertSink
    let url: String
    let breakerCheckSeconds: Int64
    let breakerAction: Settings.BreakerAction
    let notifier: CopyNotifier
    let logger: Logger
    /// The breakers' timer and the pause after a failed step run on it.
    var clock: ServiceClock = .continuous

    func run() async throws {
        let connection = DedicatedConnection(url: url, name: "alfa-copy-listen") { try $0.listen(IndexerRepository.fillsChannel) }
        defer { Task { await connection.close(); await engine.closeBarrier() } }
        var lastTimedChecks = clock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                if try await engine.step() > 0 { try await evaluateBreakers() }
                try await notifier.flush()
                if clock.now - lastTimedChecks > .seconds(breakerCheckSeconds) {
                    try await evaluateBreakers()
                    for order in try await engine.claimOverdueOrders() {
                        await alerts.current.raise(.warning, order.title, detail: order.detail, action: order.action)
                    }
                    if let warning = await engine.delegationWarning() {
                        await alerts.current.raise(.warning, warning.title, detail: warning.detail, action: warning.action)
                    }
                    for warning in try await engine.liquidationWarnings() {
                        await alerts.current.raise(.critical, warning.title, detail: warning.detail, action: warning.action)
                    }
                    lastTimedChecks = clock.now
                }
                _ = try await connection.run { try $0.waitForNotifications(timeout: 0.2) }
            } catch {
                // Stopping aborts a request or query in flight: not a fault to report.
                if error is CancellationError || Task.isCancelled { return }
                logger.warning("copy engine: \(error)")
                try? await clock.sleep(for: .seconds(1))
            }
        }
    }

    /// Trips what must trip; under BREAKER_ACTION=close_all a trip also closes every copied
    /// position at market (the executors send those closes through the stop the trip engaged).
    private func evaluateBreakers() async throws {
        let opened = try await monitor.evaluate()
        guard let breaker = opened.first, breakerAction == .closeAll else { return }
        let closes = try await engine.closePositions(.all, by: .breaker(breaker))
        guard !closes.isEmpty else { return }
        logger.notice("breaker closes every copied position", metadata: ["breaker": "\(breaker.rawValue)", "positions": "\(closes.count)"])
        await alerts.current.raise(.critical, "Breaker \(breaker.rawValue) closes all \(closes.count) copied position(s)",
                                   detail: closes.map(\.description).joined(separator: "\n"),
                                   action: "BREAKER_ACTION=close_all. /copy pnl shows how the closes end.")
    }
}
