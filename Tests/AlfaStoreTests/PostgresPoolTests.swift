import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

@Suite("Connection pool (real server)", .postgres)
struct PostgresPoolTests {
    @Test func borrowersRunOnThePoolsOwnThreadsNotTheCooperativePool() async throws {
        let schema = try TestDatabase.makeSchema()
        let pool = PostgresPool(configuration: .init(url: schema.url, size: 2))
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withConnection { connection in
                        _ = try connection.query("SELECT pg_sleep(0.05)")
                        return BlockingWorker.currentThreadName
                    }
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(names == ["alfa-db-0", "alfa-db-1"])
        await pool.close()
        await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
    }

    @Test func moreBorrowersThanConnectionsWaitTheirTurn() async throws {
        let schema = try TestDatabase.makeSchema()
        let pool = PostgresPool(configuration: .init(url: schema.url, size: 3))
        try await pool.withConnection { try $0.execute("CREATE TABLE hits (n INTEGER)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<50 {
                group.addTask { _ = try await pool.transaction { try $0.query("INSERT INTO hits VALUES ($1)", [n]).affectedRows } }
            }
            try await group.waitForAll()
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(DISTINCT n) FROM hits")[0].decode(0, as: Int.self) }
        #expect(count == 50)
        await pool.close()
    }

    /// Restarts a cluster of its own, so the other suites' server is left alone.
    @Test func afterAServerRestartTheInFlightQueryFailsTypedAndTheNextSucceeds() async throws {
        let cluster = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-restart-\(UUID())").path
        defer {
            _ = try? PGCluster.run("stop", cluster)
            try? FileManager.default.removeItem(atPath: cluster)
        }
        let worker = BlockingWorker(name: "pg-cluster")
        let url = try await worker.run { try PGCluster.run("start", cluster) }
        let pool = PostgresPool(configuration: .init(url: url, size: 1, reconnectWindowSeconds: 30))
        let firstPID = try await pool.withConnection { $0.backendPID }

        // A statement in flight when the server goes down.
        async let inFlight: Int = pool.withConnection { connection in
            try connection.query("SELECT pg_sleep(30)")
            return 0
        }
        try await Task.sleep(for: .milliseconds(500))
        _ = try await worker.run { try PGCluster.run("restart", cluster) }
        do {
            _ = try await inFlight
            Issue.record("the in-flight query survived a restart")
        } catch let error as PostgresError {
            #expect(error.kind == .connectionLost)
        }
        let (secondPID, answer) = try await pool.withConnection { connection in
            (connection.backendPID, try connection.query("SELECT 41 + 1")[0].decode(0, as: Int.self))
        }
        #expect(answer == 42)
        #expect(secondPID != firstPID)
        await pool.close()
    }
}

/// Drives `commands/lib/pg-cluster`, the same script commands/test and commands/run use.
enum PGCluster {
    @discardableResult
    static func run(_ command: String, _ directory: String) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["PG_CLUSTER_FSYNC"] = "off"
        return try ChildProcess.run(TestDatabase.repositoryRoot + "/commands/lib/pg-cluster", [command, directory],
                                    environment: environment)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
