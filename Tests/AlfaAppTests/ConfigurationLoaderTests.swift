@testable import AlfaApp
import AlfaCore
import AlfaSettings
import Foundation
import Testing

@Suite("Configuration from the environment and .env")
struct ConfigurationLoaderTests {
    /// Runs `body` with `text` written as a `.env` file, removed after.
    private func withDotEnv(_ text: String, _ body: (String) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-\(UUID()).env").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await body(path)
    }

    @Test func realEnvironmentVariablesWinOverDotEnv() async throws {
        try await withDotEnv("""
            # operator's file
            COPY_EXECUTION_MODE=LIVE
            INDEXER_PAGE=500
            export LOG_LEVEL=debug
            TELEGRAM_ADMIN_IDS=1,2,3
            """) { path in
            let loaded = try await ConfigurationLoader.load(environment: ["INDEXER_PAGE": "750"], dotEnvPath: path)
            #expect(loaded.settings.indexer.page == 750)              // environment wins
            #expect(loaded.settings.execution.mode == .live)          // .env fills the rest
            #expect(loaded.settings.telegram.adminIDs == [1, 2, 3])
            #expect(loaded.warnings.isEmpty)
        }
    }

    @Test func aMissingDotEnvIsFineAndDefaultsApply() async throws {
        let loaded = try await ConfigurationLoader.load(environment: [:], dotEnvPath: "/nonexistent/.env")
        #expect(loaded.settings.execution.mode == .dry)
        #expect(loaded.settings.indexer.page == 2000)
    }

    @Test func typosInDotEnvAndInTheEnvironmentAreWarnedAbout() async throws {
        try await withDotEnv("COPY_EXECUTON_MODE=LIVE\nLOG_LEVEL=info\n") { path in
            let loaded = try await ConfigurationLoader.load(
                environment: ["TELEGRAM_BOT_TOKN": "x", "HOME": "/root", "PATH": "/bin"], dotEnvPath: path)
            #expect(loaded.warnings == [
                "\(path) sets COPY_EXECUTON_MODE, which no setting reads (did you mean COPY_EXECUTION_MODE?)",
                "the environment sets TELEGRAM_BOT_TOKN, which no setting reads (did you mean TELEGRAM_BOT_TOKEN?)",
            ])
        }
    }

    @Test func aBadValueInDotEnvIsReportedByName() async throws {
        try await withDotEnv("COPY_EXECUTION_MODE=dry-run\n") { path in
            await #expect {
                _ = try await ConfigurationLoader.load(environment: [:], dotEnvPath: path)
            } throws: { error in
                "\(error)" == #"COPY_EXECUTION_MODE="dry-run" is not one of DRY, LIVE"#
            }
        }
    }

    @Test func theEffectiveReportHidesEverySecret() async throws {
        let secrets = ["DATABASE_URL": "postgres://alfa:pg-pass-1@db/alfa", "TELEGRAM_BOT_TOKEN": "123:tg-token-2",
                       "RPC_URLS": "https://rpc.example/key-3", "WALLET_PRIVATE_KEY": "0xkey-4"]
        let loaded = try await ConfigurationLoader.load(environment: secrets, dotEnvPath: "/nonexistent/.env")
        for needle in ["pg-pass-1", "tg-token-2", "key-3", "key-4"] {
            #expect(!loaded.report.contains(needle))
        }
        #expect(loaded.report.contains("TELEGRAM_BOT_TOKEN=***"))
        #expect(loaded.report.contains("INDEXER_PAGE=2000  (default)"))
        #expect(loaded.report.contains("INDEXER_START_BLOCK=(unset)"))
    }

    @Test func theCommittedTemplateIsTheCatalogs() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try String(contentsOf: root.appendingPathComponent("env.production.template"), encoding: .utf8)
        #expect(committed == SettingsCatalog.renderTemplate(), "regenerate it: alfa config --template > env.production.template")
        let names = committed.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }
            .map { String($0.prefix { $0 != "=" }) }
        #expect(Set(names) == Set(SettingsCatalog.all.map(\.name)))
        #expect(names.count == SettingsCatalog.all.count)
        let documented = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        #expect(documented == SettingsCatalog.renderMarkdown(), "regenerate it: alfa config --markdown > docs/configuration.md")
    }
}
