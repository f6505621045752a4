@testable import AlfaApp
import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Logging
import Testing

/// The HTTP listener on a real PostgreSQL: the API against its OpenAPI document (our checker and
/// schemathesis), the token, the metrics through prometheus_client's parser, /readyz through a
/// PostgreSQL stop, and the web leaderboard in a real headless Chromium.
/// Serialized: the gauges live in the process' one registry.
@Suite("HTTP listener (real PostgreSQL, Chromium)", .serialized, .postgres)
struct HTTPServerTests {
    static let scripts = AlfaBinary.root + "/commands/lib/http/"

    static func python(_ script: String, _ arguments: [String], input: String? = nil) async throws -> ChildProcess.Outcome {
        let child = try ChildProcess("/usr/bin/env", ["python3", scripts + script] + arguments, input: input)
        return try await BlockingWorker(name: "test-python").run { child.wait() }
    }

    /// A served database with the fixture's data; the newest trader of the board's top.
    static func served(_ values: [String: String] = [:], copy: Bool = true) async throws
        -> (http: HTTPHarness, pool: PostgresPool, trader: String) {
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        _ = try await HTTPFixture.seed(pool, now: Int64(Date().timeIntervalSince1970))
        let http = try await HTTPHarness.start(pool: pool, databaseURL: url, HTTPFixture.settings.merging(values) { _, new in new },
                                               copy: copy)
        let token = values["HTTP_TOKEN"].map { ["Authorization": "Bearer \($0)"] } ?? [:]
        let board = try #require(try await http.json("/api/v1/leaderboard?top=3", headers: token).body as? [String: Any])
        let rows = try #require(board["rows"] as? [[String: Any]])
        return (http, pool, try #require(rows.first?["trader"] as? String))
    }

    @Test func theServedDocumentIsTheFileAndEveryRouteIsInIt() async throws {
        let file = try String(contentsOfFile: AlfaBinary.root + "/api/openapi.json", encoding: .utf8)
        #expect(OpenAPIDocument.json == file, "run python3 commands/lib/embed")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(file.utf8)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(Set(paths.keys) == Set(HTTPServer.Route.allCases.filter(\.isDocumented).map(\.rawValue)))
    }

    @Test func theAPIAnswersAsItsDocumentSaysBothWays() async throws {
        let (http, pool, trader) = try await Self.served()
        let outcome = try await Self.python("check_contract.py", [http.base, "--trader", trader, "--routes", HTTPServer.Route.allCases.filter(\.isDocumented).map(\.rawValue).joined(separator: ",")])
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let failures = report["failures"] as? [String] ?? ["no report: \(outcome.output)"]
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let checked = report["checked"] as? [String] ?? []
        #expect(checked.count == HTTPServer.Route.allCases.filter(\.isDocumented).count + 1)
        // Real data reached each shape: a ranked board, the trader's card and fills, orders.
        #expect(checked.contains("GET /api/v1/traders/{address} -> 200"))
        let fills = try #require(try await http.json("/api/v1/traders/\(trader)/fills").body as? [[String: Any]])
        #expect(!fills.isEmpty && fills.allSatisfy { $0["trader"] as? String == trader })
        let orders = try #require(try await http.json("/api/v1/copy/orders").body as? [[String: Any]])
        #expect(orders.map { $0["status"] as? String } == ["filled", "filled", "skipped"])
        await http.stop()
        await pool.close()
    }

    @Test func schemathesisFindsNoServerErrorAndNoBreachOfTheDocument() async throws {
        // With the token: schemathesis also proves that a missing or wrong one is refused.
        let token = "schemathesis-token-0123456789"
        let (http, pool, _) = try await Self.served(["HTTP_TOKEN": token])
        // Through python3, as its entry point: a pip install needs no PATH of its own.
        let child = try ChildProcess("/usr/bin/env", [
            "python3", "-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
            "run", http.base + "/openapi.json", "--header", "Authorization: Bearer \(token)",
            "--checks", "all",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "40", "--workers", "2", "--seed", "7",
            "--suppress-health-check", "all", "--no-color",
        ])
        let outcome = try await BlockingWorker(name: "test-schemathesis").run { child.wait() }
        #expect(outcome.status == 0, "\(outcome.output.suffix(6_000))\n\(outcome.errorOutput.suffix(2_000))")
        await http.stop()
        await pool.close()
    }

    @Test func parametersAreCheckedAndUnknownPathsAreJSON404s() async throws {
        let (http, pool, trader) = try await Self.served(copy: false)
        for (path, parameter) in [("/api/v1/leaderboard?top=0", "top"), ("/api/v1/leaderboard?window=1y", "window"),
                                  ("/api/v1/leaderboard?as_of=yesterday", "as_of"), ("/api/v1/traders/0x12", "address"),
                                  ("/api/v1/traders/\(trader)/fills?since=2026-12-01&until=2026-11-31", "until"),
                                  ("/api/v1/copy/orders?since=%00", "since")] {
            let (status, body) = try await http.json(path)
            let error = (body as? [String: Any])?["error"] as? [String: Any]
            #expect(status == 400, "\(path)")
            #expect((error?["message"] as? String)?.hasPrefix(parameter + "=") == true, "\(path): \(body)")
        }
        let (status, body) = try await http.json("/api/v2/leaderboard")
        #expect(status == 404 && (body as? [String: Any])?["error"] != nil)
        let post = try await http.get("/api/v1/status", method: "POST")
        #expect(post.status == 405 && post.headers.first { $0.key.lowercased() == "allow" }?.value == "GET")
        // The copy engine is not in this process: said, not a crash.
        #expect(try await http.json("/api/v1/copy/pnl").status == 404)
        // What no well-behaved client sends, on raw sockets: refused, never a crash or a stall.
        let raw = try await Self.python("raw_requests.py", [String(http.base.dropFirst("http://".count))])
        let statuses = try #require(try JSONSerialization.jsonObject(with: Data(raw.output.utf8)) as? [String: Any], "\(raw.errorOutput)")
        #expect(statuses["not HTTP"] as? Int == 400 && statuses["header of 200 KB"] as? Int == 400 && statuses["HTTP/0.9"] as? Int == 400)
        #expect(statuses["bytes that are not UTF-8 in a parameter"] as? Int == 400 && statuses["NUL in a parameter"] as? Int == 400)
        #expect(statuses["bad percent escape in the path"] as? Int == 404 && statuses["a 10 KB path"] as? Int == 404)
        #expect(statuses["a huge Content-Length"] as? Int == 405)
        #expect(statuses["healthz while a slow client holds a connection"] as? Int == 200)
        #expect(try await http.get("/healthz").status == 200)
        await http.stop()
        await pool.close()
    }

    @Test func theTokenGuardsTheAPIAndTheMetricsWhenTheyAreNotPublic() async throws {
        let token = "t0ken-for-tests-0123456789"
        let (http, pool, _) = try await Self.served(["HTTP_TOKEN": token, "HTTP_METRICS_PUBLIC": "false"], copy: false)
        for path in ["/api/v1/status", "/api/v1/leaderboard", "/metrics", "/readyz", "/healthz"] {
            #expect(try await http.get(path).status == 401, "\(path) without a token")
            #expect(try await http.get(path, headers: ["Authorization": "Bearer wrong-\(token)"]).status == 401, "\(path), wrong token")
            #expect(try await http.get(path, headers: ["Authorization": "Bearer \(token)"]).status == 200, "\(path), right token")
        }
        // The web pages and the document stay open: the Mini App cannot send a header.
        #expect(try await http.get("/").status == 200)
        #expect(try await http.get("/openapi.json").status == 200)
        await http.stop()
        // On loopback the metrics are public by default; the API still needs the token.
        let open = try await HTTPHarness.start(pool: pool, databaseURL: http.settings.database.url!.value, ["HTTP_TOKEN": token])
        #expect(try await open.get("/metrics").status == 200)
        #expect(try await open.get("/healthz").status == 200)
        #expect(try await open.get("/api/v1/status").status == 401)
        await open.stop()
        await pool.close()
    }

    @Test func theWebLeaderboardWorksInARealBrowser() async throws {
        let (http, pool, trader) = try await Self.served(copy: false)
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-web-\(UUID())").path
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let outcome = try await Self.python("browser_check.py", [http.base, "--screenshot", shots])
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let board = try #require(result["board"] as? [String: Any])
        let card = try #require(result["card"] as? [String: Any])
        // The page shows the stored board's 30-day top 50 (the fixture ranks fewer).
        let stored = try #require(try await LeaderboardQueries.top(50, window: .thirtyDays, pool: pool))
        #expect(board["rows"] as? Int == stored.rows.count && stored.rows.count > 5)
        #expect(board["first"] as? String == EVMAddress(hex: trader)!.short)
        // Readable on a phone: nothing wider than the screen.
        #expect((board["scrollWidth"] as? Int ?? .max) <= (board["clientWidth"] as? Int ?? 0))
        // The click opened the card: its address, three windows and the decoded chart.
        #expect((card["url"] as? String)?.hasSuffix("/traders/\(trader)") == true)
        #expect(card["address"] as? String == trader)
        #expect(card["windows"] as? Int == 3)
        #expect(card["chartWidth"] as? Int == 1200)
        #expect(FileManager.default.fileExists(atPath: shots + "/web-leaderboard.png"))
        await http.stop()
        await pool.close()
    }
}

extension HTTPServerTests {
    /// One scrape, read by prometheus_client's parser: sample name and labels to value.
    struct Scrape {
        struct Sample: Decodable {
            let family: String
            let type: String
            let name: String
            let labels: [String: String]
            let value: Double
        }
        let samples: [Sample]

        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
        }

        func sum(_ name: String) -> Double { samples.filter { $0.name == name }.map(\.value).reduce(0, +) }

        func type(of family: String) -> String? { samples.first { $0.family == family }?.type }
    }

    static func scrape(_ http: HTTPHarness) async throws -> Scrape {
        let response = try await http.get("/metrics")
        #expect(response.status == 200)
        #expect(response.headers.first { $0.key.lowercased() == "content-type" }?.value.hasPrefix("text/plain; version=0.0.4") == true)
        let outcome = try await python("parse_metrics.py", [], input: String(decoding: response.body, as: UTF8.self))
        #expect(outcome.status == 0, "prometheus_client refused the exposition: \(outcome.errorOutput)")
        let decoder = JSONDecoder()
        return Scrape(samples: try outcome.output.split(separator: "\n").map { try decoder.decode(Scrape.Sample.self, from: Data($0.utf8)) })
    }

    @Test func theMetricsParseAndMoveWhenFillsArrive() async throws {
        let chain = try await ChainPeer()
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        let lease = Lease(name: "indexer")
        let http = try await HTTPHarness.start(pool: pool, databaseURL: url, IndexCommandTests.environment(chain, database: url), copy: true,
                                               leases: [lease])
        // The indexer as alfa serve builds it, so its RPC client reports to the metrics as there.
        let indexer = try IndexerSetup.indexer(http.settings.chain, http.settings.indexer, catalogue: .builtIn, pool: pool,
                                                   logger: Logger(label: "test.indexer"))
        let before = try await Self.scrape(http)
        #expect(before.value("alfa_build_info", ["version": AlfaVersion.current]) == 1)
        #expect(before.value("alfa_database_up") == 1)
        #expect(before.value("alfa_indexer_indexed_block") == nil)  // the indexer never ran here
        #expect(before.value("alfa_execution_mode", ["mode": "DRY"]) == 1 && before.value("alfa_emergency_stop") == 0)
        #expect(before.value("alfa_copy_realized_pnl_usd") == 0)

        try await IndexerTests.tradeEverything(on: chain)
        let head = try await chain.head()
        try await indexer.run(through: head)
        _ = try await LeaderboardRefresher(pool: pool, gates: EligibilityGates(minTrades30d: 1, minVolume30d: 0, activeHours: 100_000))
            .refresh()
        let after = try await Self.scrape(http)
        // Counters: other suites index in this process too, so at least this run's.
        #expect(after.sum("alfa_indexer_fills_total") - before.sum("alfa_indexer_fills_total") >= 14)
        #expect(after.sum("alfa_indexer_pages_total") > before.sum("alfa_indexer_pages_total"))
        #expect(after.sum("alfa_rpc_requests_total") > before.sum("alfa_rpc_requests_total"))
        #expect(after.sum("alfa_indexer_page_duration_seconds_count") > before.sum("alfa_indexer_page_duration_seconds_count"))
        #expect(after.sum("alfa_indexer_raw_logs_total") - before.sum("alfa_indexer_raw_logs_total") >= 3)
        // Gauges: this database's state.
        #expect(after.value("alfa_indexer_indexed_block") == Double(head))
        #expect(after.value("alfa_indexer_head_block") == Double(head) && after.value("alfa_indexer_lag_blocks") == 0)
        #expect(after.value("alfa_indexer_raw_logs", ["reason": "unknown_topic"]) == 1)
        #expect(after.value("alfa_indexer_raw_logs", ["reason": "malformed"]) == 2)
        #expect(after.value("alfa_leaderboard_traders") == 4)
        #expect((after.value("alfa_leaderboard_age_seconds") ?? .infinity) < 60)
        // Types as Prometheus reads them: counters end in _total, durations are histograms.
        #expect(after.type(of: "alfa_indexer_fills") == "counter")
        #expect(after.type(of: "alfa_indexer_page_duration_seconds") == "histogram")
        #expect(after.type(of: "alfa_indexer_lag_blocks") == "gauge")
        #expect(after.value("alfa_singleton_held", ["singleton": "indexer"]) == 0)  // this test's indexer runs without the lease
        #expect(after.value("alfa_copy_orders", ["status": "filled", "mode": "LIVE"]) == 0)
        // The Grafana dashboard plots only series alfa exports (those seen only at an event aside).
        let dashboard = try String(contentsOfFile: AlfaBinary.root + "/docs/grafana/alfa.json", encoding: .utf8)
        let plotted = Set(dashboard.matches(of: /alfa_[a-z_]+/).map { String($0.output) }
            .map { $0.replacing(/_(bucket|count|sum)$/, with: "") })
        let exported = Set(after.samples.map(\.name).map { $0.replacing(/_(bucket|count|sum)$/, with: "") })
        let eventOnly: Set = ["alfa_rpc_errors_total", "alfa_bot_outbox_depth"]
        #expect(plotted.subtracting(exported).subtracting(eventOnly).isEmpty, "\(plotted.subtracting(exported).sorted())")
        #expect(plotted.count > 30)
        await http.stop()
        await pool.close()
    }

    @Test func readinessFollowsPostgreSQLDownAndBack() async throws {
        // A cluster of this test's own: stopping the suite's shared one would fail every other test.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-readyz-\(UUID())").path
        let cluster = AlfaBinary.root + "/commands/lib/pg-cluster"
        func pgCluster(_ command: String) async throws -> String {
            let child = try ChildProcess("/bin/bash", [cluster, command, folder])
            let outcome = try await BlockingWorker(name: "test-pg-cluster").run { child.wait() }
            #expect(outcome.status == 0, "pg-cluster \(command): \(outcome.errorOutput)")
            return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let url = try await pgCluster("start")
        // Removed on the way out, failed expectations included (a thrown error leaves it to the OS's tmp cleaning).
        let pool = try await AlfaBinary.migratedPool(url: url)
        let http = try await HTTPHarness.start(pool: pool, databaseURL: url)
        func ready() async throws -> (status: Int, failing: [String]) {
            let (status, body) = try await http.json("/readyz")
            let checks = (body as? [String: Any])?["checks"] as? [[String: Any]] ?? []
            return (status, checks.filter { $0["ok"] as? Bool == false }.compactMap { $0["name"] as? String })
        }
        func poll(until expected: Int) async throws -> (status: Int, failing: [String]) {
            var answer = try await ready()
            for _ in 0..<60 where answer.status != expected {
                try await Task.sleep(for: .milliseconds(500))
                answer = try await ready()
            }
            return answer
        }
        #expect(try await poll(until: 200) == (200, []))
        _ = try await pgCluster("stop")
        let down = try await poll(until: 503)
        #expect(down.status == 503 && down.failing.contains("database"))
        #expect(try await http.json("/healthz").status == 200)  // alive, just not ready
        _ = try await pgCluster("start")
        #expect(try await poll(until: 200) == (200, []))
        await http.stop()
        await pool.close()
        _ = try await pgCluster("remove")
    }
}

extension HTTPServerTests {
    @Test func theCLIPrintsTheAPIsJSONForStatusAndTheCopyAccount() async throws {
        let (http, pool, _) = try await Self.served()
        let url = http.settings.database.url!.value
        for (command, path) in [("status", "/api/v1/status"), ("pnl", "/api/v1/copy/pnl")] {
            let cli = try await AlfaBinary.run([command, "--json"], ["DATABASE_URL": url])
            #expect(cli.status == 0, "\(cli.errorOutput)")
            let printed = try #require(try JSONSerialization.jsonObject(with: Data(cli.output.utf8)) as? [String: Any])
            let served = try #require(try await http.json(path).body as? [String: Any])
            // One definition: the same fields (times and durations aside, the same values).
            #expect(Set(printed.keys) == Set(served.keys), "\(command)")
            for key in ["mode", "emergency_stop", "realized_pnl_usdc", "filled", "skipped", "version"] where served[key] != nil {
                #expect("\(printed[key]!)" == "\(served[key]!)", "\(command) \(key)")
            }
        }
        let text = try await AlfaBinary.run(["pnl"], ["DATABASE_URL": url])
        #expect(text.status == 0 && text.output.contains("Open positions"))
        await http.stop()
        await pool.close()
    }

    @Test func aListenAddressInUseStopsServeWithTheSettingNamed() async throws {
        let (http, pool, _) = try await Self.served(copy: false)
        let taken = String(http.base.dropFirst("http://".count))
        let serve = try await AlfaBinary.run(["serve"], ["DATABASE_URL": http.settings.database.url!.value, "HTTP_LISTEN": taken])
        #expect(serve.status == 1)
        #expect(serve.errorOutput.contains("HTTP_LISTEN=\(taken) cannot be listened on: the address is in use"), "\(serve.errorOutput.suffix(400))")
        await http.stop()
        await pool.close()
    }
}
