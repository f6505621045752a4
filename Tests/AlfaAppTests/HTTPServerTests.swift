@testable import AlfaApp
import AlfaCore
import AlfaStore
import Foundation
import Testing

/// The HTTP listener on a real PostgreSQL: the API against its OpenAPI document (our checker and
/// schemathesis), the token, the metrics through prometheus_client's parser, /readyz through a
/// PostgreSQL stop, and the web leaderboard in a real headless Chromium.
/// Serialized: the gauges live in the process' one registry.
@Suite("HTTP listener (real PostgreSQL, Chromium)", .serialized)
struct HTTPServerTests {
    static let scripts = AlfaBinary.root + "/commands/lib/http/"

    static func python(_ script: String, _ arguments: [String], input: String? = nil) async throws -> ChildProcess.Outcome {
        let child = try ChildProcess("/usr/bin/env", ["python3", scripts + script] + arguments, input: input)
        return try await BlockingWorker(name: "test-python").run { child.wait() }
    }

    /// A served database with the fixture's data; the newest trader of the board's top.
    static func served(_ values: [String: String] = [:], copy: Bool = true) async throws
        -> (http: HTTPHarness, pool: PostgresPool, trader: String) {
        let url = try AlfaBinary.freshDatabase()
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
        #expect(Set(paths.keys) == Set(HTTPServer.apiRoutes))
    }

    @Test func theAPIAnswersAsItsDocumentSaysBothWays() async throws {
        let (http, pool, trader) = try await Self.served()
        let outcome = try await Self.python("check_contract.py", [http.base, "--trader", trader, "--routes", HTTPServer.apiRoutes.joined(separator: ",")])
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        let failures = report["failures"] as? [String] ?? ["no report: \(outcome.output)"]
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        let checked = report["checked"] as? [String] ?? []
        #expect(checked.count == HTTPServer.apiRoutes.count + 1)
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
        let child = try ChildProcess("/usr/bin/env", [
            "schemathesis", "run", http.base + "/openapi.json", "--header", "Authorization: Bearer \(token)",
            "--checks", "all",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "40", "--workers", "2", "--seed", "7",
            "--suppress-health-check", "all", "--no-color",
        ], environment: ProcessInfo.processInfo.environment.merging(["SCHEMATHESIS_HOOKS": ""]) { _, new in new })
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
        await http.stop()
        await pool.close()
    }

    @Test func theTokenGuardsTheAPIAndTheMetricsWhenTheyAreNotPublic() async throws {
        let token = "t0ken-for-tests-0123456789"
        let (http, pool, _) = try await Self.served(["HTTP_TOKEN": token, "HTTP_METRICS_PUBLIC": "false"], copy: false)
        for path in ["/api/v1/status", "/api/v1/leaderboard", "/metrics", "/readyz", "/healthz"] {
            #expect(try await http.get(path).status == 401, "\(path) without a token")
            #expect(try await http.get(path, headers: ["Authorization": "Bearer wrong-\(token)"]).status == 401, "\(path), wrong token")
            #expect(try await http.get(path, headers: ["Authorization": "Bearer \(token)"]).status != 401, "\(path), right token")
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
