import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Builds the HTTP listener of `alfa serve` from the settings and what the server runs.
package enum HTTPListener {
    /// `bound` hears the port actually bound (port 0 picks one).
    package static func service(settings: Settings, listen: Settings.HTTP.Listen, pool: PostgresPool, control: CopyControl?,
                                leases: [Lease], outboxDepth: @escaping @Sendable () async -> Int?,
                                bound: @escaping @Sendable (Int) -> Void = { _ in }) -> any Service {
        let logger = Logger(label: "alfa.http")
        let handlers = HTTPHandlers(
            leaderboard: settings.leaderboard, maxMarkAge: settings.prices.maxAgeSeconds, configured: settings.execution, pool: pool, control: control,
            sampler: MetricsSampler(pool: pool, control: control, leases: leases, outboxDepth: outboxDepth),
            readiness: ReadinessProbe(databaseURL: settings.database.url, chain: settings.chain,
                                                          stallSeconds: settings.indexer.stallSeconds, leases: leases))
        let server = HTTPServer.service(listen: listen, handlers: handlers, access: HTTPAccess(settings.http), logger: logger) { port in
            // The line operators and tests look for: the address actually bound (port 0 picks one).
            logger.notice("http listening", metadata: [
                "address": "\(Settings.HTTP.Listen(host: listen.host, port: port))",
                "token": "\(settings.http.token == nil ? "none" : "required for /api")",
                "metrics": "\(settings.http.metricsPublic ? "public" : "token")"])
            bound(port)
        }
        return Named(server: server, listen: listen)
    }

    /// The address cannot be listened on: says which setting, and what to do.
    public struct BindFailure: Error, CustomStringConvertible {
        public let listen: Settings.HTTP.Listen
        public let reason: String

        public var description: String {
            "HTTP_LISTEN=\(listen) cannot be listened on: \(reason). Another alfa serve or program may hold it: "
                + "set another HOST:PORT, or set HTTP_LISTEN empty for no listener"
        }
    }

    /// The server, with a failure to bind named by its setting (NIO's own words are a syscall's).
    private struct Named: Service {
        let server: any Service
        let listen: Settings.HTTP.Listen

        func run() async throws {
            do {
                try await server.run()
            } catch let error as IOError {
                throw BindFailure(listen: listen, reason: Self.reason(error.errnoCode))
            }
        }

        static func reason(_ code: CInt) -> String {
            switch code {
            case EADDRINUSE: "the address is in use"
            case EADDRNOTAVAIL: "no interface of this machine has that address"
            case EACCES: "a port under 1024 needs privileges"
            default: String(cString: strerror(code))
            }
        }
    }
}
