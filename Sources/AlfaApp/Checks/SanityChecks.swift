import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaTelegram
import Foundation

/// `alfa check`: each check says what it looked at and, when it fails, what to do.
public enum SanityChecks {
    public struct Result: Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public static func run(settings: Settings) async -> [Result] {
        var results = [Result(name: "configuration", passed: true, detail: "every setting is valid"),
                       // Which LIVE signing mode is in use (the delegate is the recommended one); no key is read here.
                       Result(name: "LIVE signer", passed: true,
                              detail: settings.execution.signerSummary + "; intents go to \(settings.chain.relayerURL)")]
        let database: Database
        do {
            database = try await Database(settings.database, reconnectWindowSeconds: 0) // a check reports, it does not wait
        } catch {
            results.append(Result(name: "database reachable", passed: false, detail: "\(error)"))
            return results
        }
        results += await databaseChecks(database)
        await database.close()
        if let chain = await chainCheck(settings.chain) { results.append(chain) }
        if let telegram = await telegramCheck(settings.telegram) { results.append(telegram) }
        return results
    }

    /// Every endpoint in RPC_URLS reports CHAIN_ID, and the chain answers with its head.
    private static func chainCheck(_ chain: Settings.Chain) async -> Result? {
        guard !chain.rpcURLs.isEmpty else { return nil }
        let client = JSONRPCClient(urls: chain.rpcURLs, expectedChainID: chain.chainID, timeoutSeconds: Double(chain.rpcTimeoutSeconds))
        do {
            try await client.verifyChainIDs()
            let head = try await client.blockNumber()
            return Result(name: "chain", passed: true,
                          detail: "\(chain.rpcURLs.count) endpoint(s) in RPC_URLS, chain id \(chain.chainID), head block \(head)")
        } catch {
            return Result(name: "chain", passed: false, detail: "\(error)")
        }
    }

    /// Telegram accepts TELEGRAM_BOT_TOKEN (getMe).
    private static func telegramCheck(_ telegram: Settings.Telegram) async -> Result? {
        guard let token = telegram.botToken else { return nil }
        let client = BotAPIClient(transport: CurlHTTPClient(name: "alfa-check"), base: telegram.apiBase, token: token)
        do {
            let me = try await client.getMe()
            return Result(name: "telegram", passed: true,
                          detail: "the token is accepted: @\(me.username ?? "?"), \(telegram.adminIDs.count) admin(s)")
        } catch {
            return Result(name: "telegram", passed: false, detail: "\(error)")
        }
    }

    private static func databaseChecks(_ database: Database) async -> [Result] {
        var results: [Result] = []
        do {
            let version = try await database.serverVersion()
            results.append(Result(name: "database reachable", passed: true, detail: "PostgreSQL \(version)"))
        } catch {
            results.append(Result(name: "database reachable", passed: false, detail: "\(error)"))
            return results
        }
        do {
            let pending = try await database.migrationStatus().filter { $0.state == .pending }
            results.append(pending.isEmpty
                ? Result(name: "migrations current", passed: true, detail: "\(database.migrator.migrations.count) applied")
                : Result(name: "migrations current", passed: false,
                         detail: "\(pending.count) pending (\(pending.map { String($0.version) }.joined(separator: ", "))): run alfa migrate"))
        } catch {
            results.append(Result(name: "migrations current", passed: false, detail: "\(error)"))
            return results
        }
        do {
            let indexer = try await IndexerStatus.read(database.pool)
            let now = Int64(Date().timeIntervalSince1970)
            results.append(Result(name: "indexer", passed: true, detail: indexer?.summary(now: now) ?? StatusReport.Indexer.notStarted))
        } catch {
            results.append(Result(name: "indexer", passed: false, detail: "\(error)"))
        }
        return results
    }

    public static func render(_ results: [Result]) -> String {
        results.map { "\($0.passed ? "ok  " : "FAIL") \($0.name): \($0.detail)" }.joined(separator: "\n")
    }
}
