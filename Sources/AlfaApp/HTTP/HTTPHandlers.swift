import AlfaCharts
import AlfaCore
import AlfaSettings
import AlfaStore
import Foundation
import Hummingbird

/// What each path answers. The JSON is the CLI's (`LeaderboardJSON`, `FillExport`,
/// `OrderExport`): one definition for both. Parameters are checked before anything is read.
struct HTTPHandlers: Sendable {
    struct NotFound: Error {
        let message: String
    }

    let pool: PostgresPool
    let gates: EligibilityGates
    /// PRICE_MAX_AGE_SECONDS: an older mark is shown as stale.
    let maxMarkAge: Int64
    /// The execution section as configured, beside the stored state in the status.
    let configured: Settings.Execution
    let control: CopyControl?
    let sampler: MetricsSampler
    let readinessProbe: ReadinessProbe
    let boards: BoardCache
    let charts: ChartRenderer
    let startedAt: Int64
    let clock: @Sendable () -> Int64

    init(leaderboard: Settings.Leaderboard, maxMarkAge: Int64, configured: Settings.Execution, pool: PostgresPool, control: CopyControl?, sampler: MetricsSampler, readiness: ReadinessProbe,
         clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        gates = EligibilityGates(leaderboard)
        self.maxMarkAge = maxMarkAge
        self.configured = configured
        self.pool = pool
        self.control = control
        self.sampler = sampler
        readinessProbe = readiness
        boards = BoardCache(pool: pool)
        charts = ChartRenderer()
        startedAt = clock()
        self.clock = clock
    }

    /// The answer to `route`: one case per path, so a route cannot be served without its handler.
    func respond(_ route: HTTPServer.Route, _ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        switch route {
        case .healthz: return Self.json(#"{"status":"ok"}"# + "\n")
        case .readyz: return try await readiness()
        case .metrics: return try await metrics()
        case .openAPI: return Self.json(OpenAPIDocument.json)
        case .leaderboard: return try await leaderboard(query)
        case .trader: return try await trader(try Self.address(context))
        case .fills: return try await fills(try Self.address(context), query)
        case .copyOrders: return try await copyOrders(query)
        case .copyPnL: return try await copyPnL()
        case .status: return try await status()
        case .leaderboardPage: return try await leaderboardPage(query)
        case .traderPage: return try await traderPage(context.parameters.get("address") ?? "")
        case .equityChart: return try await equityChart(try Self.address(context))
        }
    }

    // MARK: Operations

    func readiness() async throws -> Response {
        let report = await readinessProbe.check()
        struct Body: Encodable {
            struct Check: Encodable {
                let name: String
                let ok: Bool
                let detail: String
            }
            let ready: Bool
            let checks: [Check]
        }
        let body = Body(ready: report.isReady, checks: report.checks.map { Body.Check(name: $0.name, ok: $0.ok, detail: $0.detail) })
        return Self.json(try JSONOutput.encode(body) + "\n", status: report.isReady ? .ok : .serviceUnavailable)
    }

    func metrics() async throws -> Response {
        let bytes = await sampler.exposition()
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: API

    func leaderboard(_ query: Parameters) async throws -> Response {
        let window = try APIParameters.window(query.get("window"))
        let top = try APIParameters.count("top", query.get("top"), in: 1...1_000, default: 50)
        if let asOf = try APIParameters.moment("as_of", query.get("as_of")) {
            // Ranked from the fills up to then: nothing stored is read, so it costs a full ranking.
            let snapshot = try await LeaderboardRefresher.rank(asOf: asOf, pool: pool, gates: gates)
            return Self.json(try LeaderboardJSON.board(Array((snapshot.rows[window] ?? []).prefix(top)), window: window, asOf: asOf,
                                                       eligible: snapshot.eligible) + "\n")
        }
        guard let board = try await boards.board(top: top, window: window) else { throw NotFound(message: LeaderboardQueries.noBoardYet) }
        return Self.json(board.json)
    }

    func trader(_ trader: EVMAddress) async throws -> Response {
        Self.json(try LeaderboardJSON.trader(try await report(trader)) + "\n")
    }

    func fills(_ trader: EVMAddress, _ query: Parameters) async throws -> Response {
        let since = try APIParameters.moment("since", query.get("since"))
        let until = try APIParameters.moment("until", query.get("until"))
        var text = ""
        try await FillExporter.write(format: .json, FillRepository.Filter(trader: trader, since: since, until: until), pool: pool) {
            text += $0
        }
        return Self.json(text)
    }

    func copyOrders(_ query: Parameters) async throws -> Response {
        let since = try APIParameters.moment("since", query.get("since"))
        let until = try APIParameters.moment("until", query.get("until"))
        return Self.json(OrderExport.render(try await CopyQueries.orders(since: since, until: until, pool: pool), format: .json))
    }

    func copyPnL() async throws -> Response {
        guard let control else { throw NotFound(message: "the copy engine does not run in this process") }
        let account = try await control.account()
        return Self.json(try CopyAccountJSON.encode(account.performance, account.open, now: account.now,
                                                    maxMarkAge: maxMarkAge) + "\n")
    }

    func status() async throws -> Response {
        let report = await StatusQueries.read(pool: pool, control: control, configured: configured, startedAt: startedAt)
        return Self.json(try StatusJSON.encode(report) + "\n")
    }

    // MARK: Web pages

    func leaderboardPage(_ query: Parameters) async throws -> Response {
        let window = (try? APIParameters.window(query.get("window"))) ?? .thirtyDays
        let board = try await boards.board(top: 50, window: window)
        return Self.html(WebPages.leaderboard(board?.rows ?? [], window: window, asOf: board?.asOf, eligible: board?.eligible ?? 0))
    }

    func traderPage(_ text: String) async throws -> Response {
        guard let trader = EVMAddress(hex: text) else {
            return Self.html(WebPages.message(title: "Not an address", "\(text) is not an address: 0x followed by 40 hex digits."),
                             status: .badRequest)
        }
        let report: LeaderboardQueries.TraderReport
        do {
            report = try await self.report(trader)
        } catch let missing as NotFound {
            return Self.html(WebPages.message(title: "Unknown trader", missing.message), status: .notFound)
        }
        return Self.html(WebPages.trader(
            .init(trader: trader, asOf: report.asOf, rank: report.rank, ineligibility: report.ineligibility, metrics: report.metrics,
                  scores: report.scores, open: report.openPositions, recentCloses: report.recentCloses, maxMarkAge: report.maxMarkAge),
            chartPath: "/traders/\(trader)/equity.png"))
    }

    func equityChart(_ trader: EVMAddress) async throws -> Response {
        let png = try await charts.png(try await report(trader).chart(window: .thirtyDays))
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=60"],
                        body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    private func report(_ trader: EVMAddress) async throws -> LeaderboardQueries.TraderReport {
        let control = self.control
        let report = try await LeaderboardQueries.trader(
            trader, asOf: clock(), gates: gates, pool: pool,
            feed: { await control?.marks(for: $0) ?? [:] }, maxMarkAge: maxMarkAge)
        guard !report.closes.isEmpty || !report.openPositions.isEmpty else {
            throw NotFound(message: "no trade of \(trader) is indexed")
        }
        return report
    }

    // MARK: Responses

    static func address(_ context: BasicRequestContext) throws -> EVMAddress {
        try APIParameters.address(context.parameters.get("address") ?? "")
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `{"error":{"status":404,"message":"…"}}`
    static func errorBody(status: Int, message: String) -> String {
        struct Body: Encodable {
            struct Detail: Encodable {
                let status: Int
                let message: String
            }
            let error: Detail
        }
        return ((try? JSONOutput.encode(Body(error: .init(status: status, message: message)))) ?? #"{"error":{"status":500,"message":"internal error"}}"#) + "\n"
    }
}

/// The latest stored board, rendered once per snapshot, window and size: the API's hot path
/// reads memory, and asks the database which snapshot is the latest at most once a second.
actor BoardCache {
    struct Board: Sendable {
        let rows: [LeaderboardRow]
        let asOf: Int64
        let eligible: Int
        let json: String
    }

    private let pool: PostgresPool
    private var latest: (info: LeaderboardRepository.SnapshotInfo?, at: ContinuousClock.Instant)?
    private var boards: [String: Board] = [:]
    private var boardsOf: Int64?

    init(pool: PostgresPool) { self.pool = pool }

    func board(top: Int, window: TimeWindow) async throws -> Board? {
        guard let info = try await latestInfo() else { return nil }
        if boardsOf != info.id {
            boards.removeAll()
            boardsOf = info.id
        }
        let key = "\(window.rawValue)/\(top)"
        if let board = boards[key] { return board }
        let rows = try await pool.withConnection { try LeaderboardRepository().top(top, window: window, snapshot: info.id, on: $0) }
        let board = Board(rows: rows, asOf: info.asOf, eligible: info.eligible,
                          json: try LeaderboardJSON.board(rows, window: window, asOf: info.asOf, eligible: info.eligible) + "\n")
        if boardsOf == info.id {
            if boards.count >= 64 { boards.removeAll() }
            boards[key] = board
        }
        return board
    }

    private func latestInfo() async throws -> LeaderboardRepository.SnapshotInfo? {
        let now = ContinuousClock.now
        if let latest, now - latest.at < .seconds(1) { return latest.info }
        let info = try await pool.withConnection { try LeaderboardRepository().latest(on: $0) }
        latest = (info, now)
        return info
    }
}
