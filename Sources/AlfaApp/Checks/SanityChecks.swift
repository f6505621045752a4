import AlfaCore
import AlfaStore
import Foundation

/// `alfa check`: each check says what it looked at and, when it fails, what to do.
public enum SanityChecks {
    public struct Result: Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String
    }

    public static func run(settings: Settings) async -> [Result] {
        var results = [Result(name: "configuration", passed: true, detail: "every setting is valid")]
        let database: Database
        do {
            database = try await Database(settings: settings, reconnectWindowSeconds: 0) // a check reports, it does not wait
        } catch {
            results.append(Result(name: "database reachable", passed: false, detail: "\(error)"))
            return results
        }
        results += await databaseChecks(database)
        await database.close()
        return results
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
