import AlfaApp
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaSystem
import Foundation
import Logging
import ServiceLifecycle

/// `alfa bench http`: `GET /api/v1/leaderboard?top=50` over a snapshot of 10,000 ranked traders,
/// loaded by `wrk` on loopback (requests/s and p99), while the bot answers `/alfa top50` at
/// 20 commands/s against the fake Bot API server: its latency must hold under that load.
public enum HTTPBenchmark {
    public struct Options: Sendable {
        public var traders = 10_000
        public var seconds = 15
        public var connections = 32
        public var chatCommands = 200
        /// The fake Bot API server (commands/bench starts it); nil: no chat under load.
        public var telegramAPIBase: String?
        public var telegramToken = "1:bench"

        public init() {}
    }

    public static func run(databaseURL: String, migrations: [Migration], options: Options) async throws -> String {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw TelegramBenchmark.BenchmarkError("wrk is not installed (apt-get install wrk)")
        }
        return try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: "alfa_http", poolSize: 4) { pool in
            try await measure(wrk: wrk, pool: pool, databaseURL: databaseURL, options: options)
        }
    }

    private static func measure(wrk: String, pool: PostgresPool, databaseURL: String, options: Options) async throws -> String {
        let ranked = try await TelegramBenchmark.seedBoard(pool, traders: options.traders)
        let values = ["DATABASE_URL": databaseURL, "HTTP_LISTEN": "127.0.0.1:0", "LOG_LEVEL": "warning"]
        let settings = try Settings(lookup: { values[$0] })
        var logger = Logger(label: "alfa.bench.http")
        logger.logLevel = .warning
        let port = PortBox()
        let service = HTTPListener.service(settings: settings, listen: settings.http.listen!, pool: pool, control: nil, leases: [],
                                           outboxDepth: { nil }) { port.set($0) }
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let server = Task { try await group.run() }
        defer { server.cancel() }
        let url = "http://127.0.0.1:\(await port.wait())/api/v1/leaderboard?top=50"
        let bytes = try await CurlProbe.get(url)

        // The load and the chat at once; the chat phase fits inside the load's duration.
        let load = Task {
            let child = try ChildProcess(wrk, ["-t1", "-c\(options.connections)", "-d\(options.seconds)s", "--latency", url])
            return try await BlockingWorker(name: "alfa-wrk").run { child.wait() }
        }
        var chat: [Double] = []
        if let api = options.telegramAPIBase {
            try await Task.sleep(for: .seconds(1))
            chat = try await TelegramBenchmark.steadyLatencies(apiBase: api, token: options.telegramToken, pool: pool,
                                                               commands: options.chatCommands, firstUser: 3_000_000)
        }
        let outcome = try await load.value
        await group.triggerGracefulShutdown()
        _ = await server.result
        guard outcome.status == 0 else { throw TelegramBenchmark.BenchmarkError("wrk failed: \(outcome.errorOutput)") }
        let figures = WrkFigures(outcome.output)

        func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
        var text = """
            http: GET /api/v1/leaderboard?top=50 (\(bytes) bytes) over a snapshot of \(ranked) ranked traders, wrk on loopback \
            (1 thread, \(options.connections) connections, \(options.seconds) s)
              \(Int(figures.requestsPerSecond)) requests/s (target ≥ 2,000), latency p50 \(ms(figures.p50)), p99 \(ms(figures.p99)) \
            (target ≤ 20 ms); \(figures.errors) errors
            """
        if !chat.isEmpty {
            text += "\n  /alfa top50 in the chat meanwhile, \(chat.count) commands at 20/s: p50 \(ms(BenchFigures.percentile(chat, 0.5))), "
                + "p99 \(ms(BenchFigures.percentile(chat, 0.99))) (target p99 ≤ 50 ms)"
        }
        return text
    }

    /// What `wrk --latency` prints: requests/s, the latency percentiles, socket errors and non-2xx answers.
    struct WrkFigures {
        var requestsPerSecond = 0.0
        var p50 = 0.0
        var p99 = 0.0
        var errors = 0

        init(_ output: String) {
            for line in output.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if line.hasPrefix("Requests/sec:"), let value = fields.last.flatMap({ Double($0) }) { requestsPerSecond = value }
                if fields.count == 2, fields[0] == "50%" { p50 = Self.seconds(fields[1]) }
                if fields.count == 2, fields[0] == "99%" { p99 = Self.seconds(fields[1]) }
                if line.hasPrefix("Non-2xx or 3xx responses:"), let value = fields.last.flatMap({ Int($0) }) { errors += value }
                if line.hasPrefix("Socket errors:") {
                    errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
                }
            }
        }

        /// "812.00us", "1.53ms", "2.01s"
        static func seconds(_ text: Substring) -> Double {
            for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
                return (Double(text.dropLast(suffix.count)) ?? 0) * scale
            }
            return 0
        }
    }

    /// One GET through libcurl, for the response's size (and a warm cache).
    enum CurlProbe {
        static func get(_ url: String) async throws -> Int {
            let response = try await CurlHTTPClient(name: "alfa-bench-http").send(HTTPRequest(url: url))
            guard response.status == 200 else { throw TelegramBenchmark.BenchmarkError("\(url) answered \(response.status)") }
            return response.body.count
        }
    }
}
