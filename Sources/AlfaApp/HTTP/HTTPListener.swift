import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// Builds the HTTP listener of `alfa serve` from the settings and what the server runs.
enum HTTPListener {
    static func service(settings: Settings, listen: Settings.HTTP.Listen, pool: PostgresPool, control: CopyControl?, leases: [Lease],
                        outboxDepth: @escaping @Sendable () async -> Int?) -> any Service {
        let logger = Logger(label: "alfa.http")
        let handlers = HTTPHandlers(
            settings: settings, pool: pool, control: control,
            sampler: MetricsSampler(pool: pool, control: control, leases: leases, outboxDepth: outboxDepth),
            readiness: ReadinessProbe(settings: settings, leases: leases))
        return HTTPServer.service(listen: listen, handlers: handlers, access: HTTPAccess(settings.http), logger: logger) { port in
            // The line operators and tests look for: the address actually bound (port 0 picks one).
            logger.notice("http listening", metadata: [
                "address": "\(Settings.HTTP.Listen(host: listen.host, port: port))",
                "token": "\(settings.http.token == nil ? "none" : "required for /api")",
                "metrics": "\(settings.http.metricsPublic ? "public" : "token")"])
        }
    }
}
