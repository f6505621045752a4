import AlfaCore
import AlfaHTTP
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

/// Runs the built `alfa` binary as an operator would, in an empty folder (no `.env`).
enum AlfaBinary {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static var path: String {
        ProcessInfo.processInfo.environment["ALFA_BINARY"] ?? root + "/.build/debug/alfa"
    }

    static func environment(_ values: [String: String]) -> [String: String] {
        // No MIGRATIONS_DIR: the binary's built-in migrations, as an installed alfa uses them.
        // No HTTP listener unless a test asks for one: parallel servers would fight over its port.
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HTTP_LISTEN": ""]
        environment.merge(values) { _, new in new }
        return environment
    }

    static func start(_ arguments: [String], _ values: [String: String] = [:], input: String? = nil) throws -> ChildProcess {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-cwd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try ChildProcess(path, arguments, environment: environment(values), directory: folder, input: input)
    }

    static func run(_ arguments: [String], _ values: [String: String] = [:], input: String? = nil) async throws -> ChildProcess.Outcome {
        let child = try start(arguments, values, input: input)
        return try await BlockingWorker(name: "alfa-cli").run { child.wait() }
    }

    /// A fresh, empty database in the test cluster, and its URL. Created on a thread of its own:
    /// CREATE DATABASE blocks for long on a loaded cluster, and dozens of tests start with one,
    /// which on the cooperative pool's 2 threads stalled every other test for tens of seconds.
    static func freshDatabase() async throws -> String {
        let name = "alfa_cli_\(UInt32.random(in: 0...UInt32.max))"
        guard let url = TestPostgres.url else {
            fatalError("DATABASE_URL is not set and a suite that needs PostgreSQL lacks the .postgres trait")
        }
        try await BlockingWorker.once("test-create-database") {
            let admin = try PostgresConnection.connect(url: url)
            defer { admin.close() }
            try admin.execute("CREATE DATABASE \(name)")
        }
        return url.replacingOccurrences(of: "/alfa_test?", with: "/\(name)?")
    }

    /// A pool on a fresh database with the real migrations applied.
    static func migratedPool(url: String? = nil) async throws -> PostgresPool {
        let url = if let url { url } else { try await freshDatabase() }
        let pool = PostgresPool(configuration: .init(url: url, size: 2))
        let migrations = try Migration.load(from: root + "/migrations")
        try await pool.withConnection { try Migrator(migrations: migrations).apply(on: $0) }
        return pool
    }
}

@Suite("alfa command line", .postgres)
struct CommandLineTests {
    @Test func aBadSettingStopsWithExitCodeTwoAndOneLine() async throws {
        let outcome = try await AlfaBinary.run(["config"], ["COPY_EXECUTION_MODE": "dry-run"])
        #expect(outcome.status == 2)
        #expect(outcome.errorOutput == "alfa: COPY_EXECUTION_MODE=\"dry-run\" is not one of DRY, LIVE\n")
    }

    @Test func aBadSecretIsNamedButNeverShown() async throws {
        let outcome = try await AlfaBinary.run(["check"], ["DATABASE_URL": "mysql://root:hunter2-xyz@db/alfa"])
        #expect(outcome.status == 2)
        #expect(outcome.errorOutput == "alfa: DATABASE_URL=\"***\" is not a postgres:// or postgresql:// URL\n")
    }

    @Test func configPrintsEveryValueWithSecretsRedacted() async throws {
        let outcome = try await AlfaBinary.run(["config"], ["TELEGRAM_BOT_TOKEN": "42:very-secret-token", "INDEXER_PAGE": "900"])
        #expect(outcome.status == 0)
        #expect(outcome.output.contains("TELEGRAM_BOT_TOKEN=***"))
        #expect(outcome.output.contains("INDEXER_PAGE=900\n"))
        #expect(!outcome.output.contains("very-secret-token"))
        #expect(!outcome.errorOutput.contains("very-secret-token"))
    }

    @Test func everySubcommandHasHelp() async throws {
        for command in ["serve", "migrate", "config", "check", "version", "bench", "intent", "abi"] {
            let outcome = try await AlfaBinary.run([command, "--help"])
            #expect(outcome.status == 0)
            #expect(outcome.output.contains("USAGE: alfa \(command)"))
        }
        #expect(try await AlfaBinary.run(["version"]).output == "alfa 0.1.0\n")
    }

    @Test func migrateFromAnEmptyFolderWithOnlyDatabaseURLAppliesEveryMigration() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-empty-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let child = try ChildProcess(AlfaBinary.path, ["migrate"], environment: ["DATABASE_URL": url], directory: folder)
        let outcome = try await BlockingWorker(name: "alfa-cli").run { child.wait() }
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let files = try Migration.load(from: AlfaBinary.root + "/migrations")
        for migration in files { #expect(outcome.output.contains("applied \(migration.fileName)")) }

        // The checksums are those of the files: MIGRATIONS_DIR pointed at them finds nothing changed.
        let status = try await AlfaBinary.run(["migrate", "--status"],
                                              ["DATABASE_URL": url, "MIGRATIONS_DIR": AlfaBinary.root + "/migrations"])
        #expect(status.status == 0, "\(status.errorOutput)")
        #expect(status.output.components(separatedBy: "\n").filter { $0.contains(" applied ") }.count == files.count)
        let missing = try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url, "MIGRATIONS_DIR": folder + "/nowhere"])
        #expect(missing.status == 2)
        #expect(missing.errorOutput.contains("MIGRATIONS_DIR=\"\(folder)/nowhere\" is not a readable folder"))
    }

    @Test func intentDigestPrintsTheGoldenVectorsDigestAndEncoding() async throws {
        let fixtures = AlfaBinary.root + "/Tests/AlfaChainTests/Fixtures/avantis-v2-vectors/"
        struct Vectors: Decodable { struct Vector: Decodable { let kind: String; let digest: String }; let vectors: [Vector] }
        let data = try Data(contentsOf: URL(fileURLWithPath: fixtures + "vectors.json"))
        let all = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let open = (all["vectors"] as! [[String: Any]]).first { $0["kind"] as? String == "OpenTradeReq" }!
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-intent-\(UUID()).json").path
        try JSONSerialization.data(withJSONObject: open).write(to: URL(fileURLWithPath: file))
        let outcome = try await AlfaBinary.run(["intent", "digest", "--kind", "OpenTradeReq", "--message", file, "--chain-id", "31337",
                                                "--verifying-contract", "0x5fbdb2315678afecb367f032d93f642f64180aa3"])
        #expect(outcome.status == 0, "\(outcome.errorOutput)")
        #expect(outcome.output.contains("digest      \(open["digest"] as! String)"))
        let encodings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixtures + "intent_encoding_reference.json"))) as! [String: String]
        #expect(outcome.output.contains("userIntent  \(encodings["OpenTradeReq"]!.lowercased())"))
        let bad = try await AlfaBinary.run(["intent", "digest", "--kind", "OpenTrade", "--message", file])
        #expect(bad.status != 0 && bad.errorOutput.contains("--kind OpenTrade is not an intent kind"))
    }

    @Test func anABIFileAlfaCannotUseStopsTheStartWithOneLine() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-abi-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let noPayout = #"[{"type": "event", "name": "MarketExecuted", "inputs": [{"name": "orderId", "type": "uint256"}, "#
            + #"{"name": "t", "type": "tuple", "components": [{"name": "trader", "type": "address"}]}]}]"#
        try noPayout.write(toFile: folder + "/TradingCallbacks.json", atomically: true, encoding: .utf8)
        for command in [["abi", "inspect"], ["serve"]] {
            let outcome = try await AlfaBinary.run(command, ["AVANTIS_ABI_DIR": folder, "DATABASE_URL": "postgresql://unused@127.0.0.1:1/x"])
            #expect(outcome.status == 2, "\(command): \(outcome.errorOutput)")
            // serve logs what is configured first; the reason is its one `alfa:` line, the last.
            let reasons = outcome.errorOutput.split(separator: "\n").filter { $0.hasPrefix("alfa: ") }
            #expect(reasons.count == 1 && reasons.last == outcome.errorOutput.split(separator: "\n").last, "\(outcome.errorOutput)")
            #expect(reasons.first?.hasPrefix("alfa: AVANTIS_ABI_DIR \(folder)/TradingCallbacks.json: event MarketExecuted, field t.pairIndex is missing") == true,
                    "\(outcome.errorOutput)")
        }
        // A usable file is listed with its source beside the built-in generations.
        try #"{"abi": [{"type": "event", "name": "SpreadCharged", "inputs": [{"name": "trader", "type": "address", "indexed": true}, {"name": "amount", "type": "uint256"}]}]}"#
            .write(toFile: folder + "/TradingCallbacks.json", atomically: true, encoding: .utf8)
        let listing = try await AlfaBinary.run(["abi", "inspect"], ["AVANTIS_ABI_DIR": folder])
        #expect(listing.status == 0, "\(listing.errorOutput)")
        #expect(listing.output.contains("TradingCallbacks SpreadCharged v2 — informational, from \(folder)/TradingCallbacks.json"))
        #expect(listing.output.contains("TradingCallbacks MarketExecuted v2 — marketExecuted, from built-in v2"))
    }

    @Test func checkFailsUntilMigrateHasRunThenPasses() async throws {
        let migrations = try Migration.load(from: AlfaBinary.root + "/migrations")
        let url = try await AlfaBinary.freshDatabase()
        let before = try await AlfaBinary.run(["check"], ["DATABASE_URL": url])
        #expect(before.status == 1)
        #expect(before.output.contains("ok   database reachable: PostgreSQL 15"))
        let versions = migrations.map { String($0.version) }.joined(separator: ", ")
        #expect(before.output.contains("FAIL migrations current: \(migrations.count) pending (\(versions)): run alfa migrate"))

        let status = try await AlfaBinary.run(["migrate", "--status"], ["DATABASE_URL": url])
        #expect(status.output == migrations.map { String(format: "%04d pending  %@\n", $0.version, $0.name) }.joined())

        // Two replicas starting together: each migration is applied exactly once.
        let first = try AlfaBinary.start(["migrate"], ["DATABASE_URL": url])
        let second = try AlfaBinary.start(["migrate"], ["DATABASE_URL": url])
        let outcomes = try await BlockingWorker(name: "alfa-cli").run { [first.wait(), second.wait()] }
        #expect(outcomes.map(\.status) == [0, 0])
        for migration in migrations {
            #expect(outcomes.filter { $0.output.contains("applied \(migration.fileName)") }.count == 1)
        }
        #expect(outcomes.filter { $0.output.contains("database is up to date") }.count == 1)

        let after = try await AlfaBinary.run(["check"], ["DATABASE_URL": url])
        #expect(after.status == 0)
        #expect(after.output.contains("ok   migrations current: \(migrations.count) applied"))
        #expect(after.output.contains("ok   LIVE signer: no signer: LIVE mode cannot be enabled"))

        // Which signing mode LIVE would use, the delegate recommended; the key is not read.
        let delegated = try await AlfaBinary.run(["check"], ["DATABASE_URL": url, "WALLET_ADDRESS": CopyHarness.wallet,
                                                             "WALLET_DELEGATE_KEY_FILE": "/nonexistent/delegate.key"])
        #expect(delegated.status == 0 && delegated.output.contains(
            "ok   LIVE signer: delegate key signs for wallet \(CopyHarness.wallet) (recommended: it cannot withdraw or approve)"),
                "\(delegated.output)")
        let own = try await AlfaBinary.run(["check"], ["DATABASE_URL": url, "WALLET_PRIVATE_KEY": CopyHarness.walletKey])
        #expect(own.output.contains("the wallet's own private key signs (it can also withdraw: a delegate key is recommended)"))
        #expect(!(own.output + own.errorOutput).contains(CopyHarness.walletKey.dropFirst(2)))

        // With a bot token, Telegram is asked whether it accepts it; the token never shows.
        let telegram = try await FakeTelegram()
        let bot = ["DATABASE_URL": url, "TELEGRAM_API_BASE": telegram.base, "TELEGRAM_ADMIN_IDS": "1001"]
        let accepted = try await AlfaBinary.run(["check"], bot.merging(["TELEGRAM_BOT_TOKEN": FakeTelegram.token]) { $1 })
        #expect(accepted.status == 0 && accepted.output.contains("ok   telegram: the token is accepted: @alfa_test_bot, 1 admin(s)"),
                "\(accepted.output)")
        let refused = try await AlfaBinary.run(["check"], bot.merging(["TELEGRAM_BOT_TOKEN": "7000000001:AAH-revoked-token"]) { $1 })
        #expect(refused.status != 0 && refused.output.contains("FAIL telegram:"), "\(refused.output)")
        #expect(!(refused.output + refused.errorOutput).contains("AAH-revoked-token"))
    }

    @Test func checkReportsAnUnreachableDatabaseWithoutItsPassword() async throws {
        let outcome = try await AlfaBinary.run(["check"], ["DATABASE_URL": "postgresql://alfa:pw-9f8e7d@127.0.0.1:1/alfa?connect_timeout=2"])
        #expect(outcome.status == 1)
        #expect(outcome.output.contains("FAIL database reachable: database connectionFailed"))
        #expect(!outcome.output.contains("pw-9f8e7d") && !outcome.errorOutput.contains("pw-9f8e7d"))
    }

    @Test func serveRunsUntilSIGINTAndStopsCleanly() async throws {
        let url = try await AlfaBinary.freshDatabase().replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:pw-in-url-77@")
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let token = "http-token-never-logged-4242"
        let serve = try AlfaBinary.start(["serve"], ["DATABASE_URL": url, "LOG_FORMAT": "json", "HTTP_LISTEN": "127.0.0.1:0",
                                                     "HTTP_TOKEN": token])
        let deadline = Date().addingTimeInterval(30)
        while !serve.errorOutputSoFar.contains("alfa serve is running") || !serve.errorOutputSoFar.contains("http listening"),
              Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        // The listener runs in the group: it answers, and the API wants the token.
        let address = try #require(serve.errorOutputSoFar.firstMatch(of: /"address":"(127\.0\.0\.1:[0-9]+)"/)?.1)
        let client = CurlHTTPClient(name: "test-serve-http")
        #expect(try await client.send(.init(url: "http://\(address)/healthz")).status == 200)
        #expect(try await client.send(.init(url: "http://\(address)/api/v1/status")).status == 401)
        #expect(try await client.send(.init(url: "http://\(address)/api/v1/status", headers: ["Authorization": "Bearer \(token)"])).status == 200)
        serve.signal(SIGINT)
        let outcome = try await BlockingWorker(name: "alfa-serve").run { serve.wait() }
        #expect(outcome.status == 0)
        let lines = outcome.errorOutput.split(separator: "\n")
        #expect(lines.contains { $0.contains("\"message\":\"alfa serve is running; Ctrl-C or SIGTERM stops it\"") })
        #expect(lines.contains { $0.contains("TELEGRAM_BOT_TOKEN is not set: console chat only") })
        #expect(lines.contains { $0.contains("alfa serve stopped cleanly") })
        // Every line is a JSON object, and the password in the URL is nowhere.
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        #expect(!outcome.errorOutput.contains("pw-in-url-77") && !outcome.errorOutput.contains(token))
    }

    @Test func chatOnTheConsoleAnswersLikeTheBot() async throws {
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let user = try await AlfaBinary.run(["chat", "--as-user"], ["DATABASE_URL": url], input: "/help\n/status\n/alfa top50\n")
        #expect(user.status == 0)
        #expect(user.output.contains("Commands") && !user.output.contains("/emergency"))
        #expect(user.output.contains("/status is for admins only"))
        #expect(user.output.contains("The leaderboard has not been computed yet"))
        let admin = try await AlfaBinary.run(["chat", "--as-admin"], ["DATABASE_URL": url], input: "/status\n/copy mode DRY\n")
        #expect(admin.status == 0)
        #expect(admin.output.contains("alfa status\nmode: DRY · emergency stop: off"))
        #expect(admin.output.contains("Copy mode is now DRY: copies are simulated."))
    }

    @Test func theConsoleCanStopALiveServiceWithoutHoldingTheWallet() async throws {
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let pool = PostgresPool(configuration: .init(url: url, size: 1))
        try await pool.withConnection { connection in
            try connection.query("INSERT INTO execution_state (mode, emergency_stop, changed_by, changed_at) VALUES ('LIVE', false, 'admin 7', now())")
        }
        // No WALLET_PRIVATE_KEY and no RPC_URLS here: the stop must still work.
        let chat = try await AlfaBinary.run(["chat", "--as-admin"], ["DATABASE_URL": url], input: "/emergency stop drill\n")
        #expect(chat.status == 0, "\(chat.errorOutput)")
        #expect(chat.output.contains("Emergency stop engaged: no copy order will be submitted"))
        #expect(chat.output.contains("Emergency stop engaged by admin 0"))  // the alert, on the console
        let state = try await pool.withConnection { try ExecutionRepository().load(on: $0) }
        await pool.close()
        #expect(state?.emergencyStop == true && state?.mode == .live && state?.reason == "drill")
    }

    @Test func serveAnswersOnTelegramStopsPromptlyAndNeverLogsTheToken() async throws {
        let fake = try await FakeTelegram()
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let values = ["DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_API_BASE": fake.base,
                      "TELEGRAM_ADMIN_IDS": "1001", "LOG_LEVEL": "debug"]
        let serve = try AlfaBinary.start(["serve"], values)
        try await fake.say("/help", from: 1001)
        let sent = try await fake.waitForSent(atLeast: 1, seconds: 30)
        #expect(sent.first?.visible.contains("/emergency stop") == true)
        // The long poll (50 s) does not hold up a graceful stop.
        let stopping = Date()
        serve.signal(SIGTERM)
        let outcome = try await BlockingWorker(name: "alfa-serve").run { serve.wait() }
        #expect(outcome.status == 0)
        #expect(Date().timeIntervalSince(stopping) < 30)   // the open poll lasts 50 s: it was aborted
        #expect(outcome.errorOutput.contains("telegram bot is online"))
        #expect(!outcome.errorOutput.contains("AAH-test-token") && !outcome.output.contains("AAH-test-token"))

        let refused = try await AlfaBinary.run(["serve"], values.merging(["TELEGRAM_BOT_TOKEN": "1:revoked-token-xyz"]) { _, new in new })
        #expect(refused.status != 0)
        #expect(refused.errorOutput.contains("Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized)"))
        #expect(!refused.errorOutput.contains("revoked-token-xyz"))
    }

    @Test func serveWithoutADatabaseSaysWhatToDo() async throws {
        let outcome = try await AlfaBinary.run(["serve"])
        #expect(outcome.status == 2)
        #expect(outcome.errorOutput.hasSuffix(
            "alfa: DATABASE_URL is not set: give a postgres:// URL, or use commands/run, which starts a local cluster\n"))
    }
}
