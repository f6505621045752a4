import AlfaCore
import AlfaSettings
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The one HTTP listener of `alfa serve` (HTTP_LISTEN), on Hummingbird: `/metrics`, `/healthz`,
/// `/readyz`, the read-only API under `/api/v1` with its `/openapi.json`, and the web pages.
/// Everything is GET; any other method on a known path is a 405.
public enum HTTPServer {
    /// Every path served: routing, the 405s and the OpenAPI test all read this one list.
    enum Route: String, CaseIterable {
        case healthz = "/healthz"
        case readyz = "/readyz"
        case metrics = "/metrics"
        case openAPI = "/openapi.json"
        case leaderboard = "/api/v1/leaderboard"
        case trader = "/api/v1/traders/{address}"
        case fills = "/api/v1/traders/{address}/fills"
        case copyOrders = "/api/v1/copy/orders"
        case copyPnL = "/api/v1/copy/pnl"
        case status = "/api/v1/status"
        case leaderboardPage = "/"
        case traderPage = "/traders/{address}"
        case equityChart = "/traders/{address}/equity.png"

        /// In `openapi.json`: all but the web pages and the document itself.
        var isDocumented: Bool { ![.openAPI, .leaderboardPage, .traderPage, .equityChart].contains(self) }

        /// Whether `path` is this route's, `{address}` standing for any one segment.
        func matches(_ path: String) -> Bool {
            let pattern = rawValue.split(separator: "/", omittingEmptySubsequences: false)
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == "{address}" ? !$1.isEmpty : $0 == $1 }
        }
    }

    /// Whether `path` is one of ours, whatever the method: another method than GET is then a 405.
    static func serves(_ path: String) -> Bool { Route.allCases.contains { $0.matches(path) } }

    /// The service to add to the group. `onRunning` gets the bound port (HTTP_LISTEN's, or the
    /// one picked for port 0).
    static func service(listen: Settings.HTTP.Listen, handlers: HTTPHandlers, access: HTTPAccess, logger: Logger,
                        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some Service {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: HTTPGuard(access: access, logger: logger))
        for route in Route.allCases {
            router.get(RouterPath(route.rawValue.replacingOccurrences(of: "{address}", with: ":address"))) { request, context in
                try await HTTPGuard.withDeadline { try await handlers.respond(route, request, context) }
            }
        }
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: ApplicationConfiguration(
                address: .hostname(listen.host, port: listen.port), serverName: "alfa",
                availableConnectionsDelegate: MaximumAvailableConnections(1_000)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? listen.port) },
            logger: logger)
    }
}

/// Who may read what: with HTTP_TOKEN set, the API needs `Authorization: Bearer TOKEN`; the
/// metrics and health paths too unless HTTP_METRICS_PUBLIC. The web pages and the OpenAPI
/// document are public: they are what the Mini App and an integrator open first.
struct HTTPAccess: Sendable {
    var token: Secret?
    var metricsPublic: Bool

    init(_ settings: Settings.HTTP) {
        token = settings.token
        metricsPublic = settings.metricsPublic
    }

    func requiresToken(_ path: String) -> Bool {
        guard token != nil else { return false }
        if path.hasPrefix("/api/") { return true }
        if path == "/metrics" || path == "/healthz" || path == "/readyz" { return !metricsPublic }
        return false
    }

    /// Compares in time independent of where the bytes differ.
    func accepts(_ authorization: String?) -> Bool {
        guard let token else { return true }
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let given = Array(authorization.utf8.dropFirst(7))
        let expected = Array(token.value.utf8)
        var difference = given.count ^ expected.count
        for index in expected.indices { difference |= Int(expected[index] ^ (index < given.count ? given[index] : 0)) }
        return difference == 0
    }
}

/// Around every request: the token, a deadline, errors as JSON, a debug
/// log line and the request metrics. Nothing a client sends reaches a crash: an unexpected
/// error is a 500 with no detail for the client and the error in the log.
struct HTTPGuard: RouterMiddleware {
    typealias Context = BasicRequestContext

    enum Failure: Error {
        case unauthorized
        case methodNotAllowed
        case timedOut
    }

    let access: HTTPAccess
    let logger: Logger
    /// A request that takes longer is answered 503; the work it started finishes on its own.
    static let deadline: Duration = .seconds(20)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        var response: Response
        do {
            guard !access.requiresToken(path) || access.accepts(request.headers[.authorization]) else { throw Failure.unauthorized }
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && request.method != .get && HTTPServer.serves(path) {
            response = Self.response(for: Failure.methodNotAllowed, path: path, logger: logger)
        } catch {
            response = Self.response(for: error, path: path, logger: logger)
        }
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        Telemetry.shared.httpRequest(route: route, status: response.status.code, duration: elapsed)
        logger.debug("http request", metadata: [
            "method": "\(request.method)", "path": "\(path)", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.1f", elapsed / .milliseconds(1)))"])
        return response
    }

    static func withDeadline<Answer: Sendable>(on clock: ServiceClock = .continuous,
                                               _ body: @escaping @Sendable () async throws -> Answer) async throws -> Answer {
        try await withThrowingTaskGroup(of: Answer?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await clock.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let response = try await group.next()! else { throw Failure.timedOut }
            return response
        }
    }

    static func response(for error: any Error, path: String, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        let message: String
        var headers = HTTPFields()
        switch error {
        case let error as APIParameterError:
            status = .badRequest
            message = error.description
        case let error as HTTPHandlers.NotFound:
            status = .notFound
            message = error.message
        case Failure.unauthorized:
            status = .unauthorized
            message = "this path needs Authorization: Bearer HTTP_TOKEN"
            headers[.wwwAuthenticate] = "Bearer"
        case Failure.methodNotAllowed:
            status = .methodNotAllowed
            message = "only GET is served here"
            headers[.allow] = "GET"
        case Failure.timedOut:
            status = .serviceUnavailable
            message = "the request took too long; try again"
        case let error as HTTPError where error.status == .notFound:
            status = .notFound
            message = "no such path: \(String(path.prefix(100))) (see /openapi.json)"
        case let error as HTTPError:
            status = error.status
            message = error.body ?? error.status.reasonPhrase
        default:
            logger.error("http request failed", metadata: ["path": "\(path)", "error": "\(error)"])
            status = .internalServerError
            message = "internal error; the service log has the detail"
        }
        var response = HTTPHandlers.json(HTTPHandlers.errorBody(status: status.code, message: message), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}
