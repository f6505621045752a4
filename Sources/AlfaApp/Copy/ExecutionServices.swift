import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import ServiceLifecycle

/// The mode manager, the copy engine and the breakers, built together for `alfa serve`.
public struct ExecutionServices: Sendable {
    public let manager: ModeManager
    public let engine: CopyEngine
    public let control: CopyControl
    public let alerts: AlertSink
    package let monitor: BreakerMonitor
    package let services: [any Service]
    /// The copy executor's: which replica runs it, for /readyz and /metrics.
    let lease: Lease

    /// Applies the start-up rules to the stored state. With `verifyLive` (`alfa serve`), when the
    /// mode is LIVE the wallet is loaded and the chain id checked now, so a bad key or a wrong
    /// chain stops it at once. `alfa chat` skips that: an admin console must be able to stop
    /// trading without holding the wallet's key. Every part reads its time and sleeps on `clock`.
    public static func start(settings: Settings, pool: PostgresPool, databaseURL: String, verifyLive: Bool = true,
                             clock serviceClock: ServiceClock = .continuous) async throws -> ExecutionServices {
        let clock: @Sendable () -> Int64 = { serviceClock.unixSeconds }
        let alerts = AlertSink(.logOnly(Logger(label: "alfa.alerts")))
        let prices = PriceFeed(settings: settings.prices, pool: pool, clock: clock, logger: Logger(label: "alfa.prices"))
        let manager = try await ModeManager.start(execution: settings.execution, pool: pool, alerts: alerts, clock: clock,
                                                  logger: Logger(label: "alfa.mode"))
        let monitor = BreakerMonitor(limits: settings.breakers, copy: settings.copy, maxMarkAge: settings.prices.maxAgeSeconds,
                                     pool: pool, manager: manager, prices: prices, clock: clock)
        let chain = settings.chain
        let makeRPC: (@Sendable () throws -> JSONRPCClient)? = chain.rpcURLs.isEmpty ? nil : { @Sendable in
            JSONRPCClient(urls: chain.rpcURLs, expectedChainID: chain.chainID, timeoutSeconds: Double(chain.rpcTimeoutSeconds),
                          onEvent: { Telemetry.shared.record($0) })
        }
        let engineLogger = Logger(label: "alfa.copy")
        let lease = Lease(name: "copy executor")
        let engine = CopyEngine(copy: settings.copy, execution: settings.execution, chain: settings.chain,
                                maxMarkAge: settings.prices.maxAgeSeconds, confirmations: settings.indexer.confirmations,
                                pool: pool, gate: manager.gate, barrier: StopBarrier(url: databaseURL, clock: serviceClock), lease: lease,
                                alerts: alerts, makeRPC: makeRPC, prices: prices, clock: serviceClock, logger: engineLogger)
        if verifyLive, await manager.state.mode == .live {
            do { try await engine.prepareLive() } catch {
                throw ConfigurationLoader.Failure(description: "the copy mode is LIVE but \(error)")
            }
        }
        let control = CopyControl(manager: manager, engine: engine, monitor: monitor, alerts: alerts, pool: pool, prices: prices,
                                  maxMarkAge: settings.prices.maxAgeSeconds, clock: clock)
        let services: [any Service] = [
            ModeListener(manager: manager, url: databaseURL, logger: Logger(label: "alfa.mode"), clock: serviceClock),
            SingletonService(name: "copy executor", lockKey: CopyOrderRepository.executorLockKey, url: databaseURL,
                             service: CopyEngineService(
                                engine: engine, monitor: monitor, alerts: alerts, url: databaseURL,
                                breakerCheckSeconds: settings.breakers.checkSeconds, breakerAction: settings.breakers.action,
                                notifier: CopyNotifier(telegram: settings.telegram, pool: pool, clock: clock, logger: engineLogger),
                                logger: engineLogger, clock: serviceClock),
                             logger: engineLogger, lease: lease, clock: serviceClock),
            DailyReportService(control: control, pool: pool, alerts: alerts,
                               schedule: ReportSchedule(hourUTC: settings.maintenance.dailyReportHourUTC), clock: serviceClock,
                               logger: Logger(label: "alfa.reports")),
        ]
        return ExecutionServices(manager: manager, engine: engine,
                                 control: control,
                                 alerts: alerts, monitor: monitor, services: services, lease: lease)
    }

    /// Alerts printed on the terminal (`alfa chat`): a breaker tripped by a command typed there shows at once.
    public func routeAlerts(toConsole write: @escaping @Sendable (String) -> Void) {
        alerts.route(to: .console(write, logger: Logger(label: "alfa.alerts")))
    }
}
