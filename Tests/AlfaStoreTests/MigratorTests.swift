import AlfaCore
import AlfaStore
import AlfaSystem
import AlfaTestSupport
import Foundation
import Testing

@Suite("Migrations (real server)", .postgres)
struct MigratorTests {
    /// A folder of migrations; the second would fail if it ran twice.
    private func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-migrations-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    private let sample = [
        "0001_accounts.sql": "CREATE TABLE accounts (id BIGINT PRIMARY KEY);",
        "0002_counter.sql": "CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (1);",
        "0010_later.sql": "ALTER TABLE accounts ADD COLUMN name TEXT;",
    ]

    @Test func pendingMigrationsApplyInOrderAndThenNothingIsPending() throws {
        let (connection, _) = try TestDatabase.connect()
        let migrator = Migrator(migrations: try Migration.load(from: folder(sample)))
        #expect(try migrator.status(on: connection).map(\.state) == [.pending, .pending, .pending])
        #expect(try migrator.apply(on: connection).map(\.version) == [1, 2, 10])
        #expect(try migrator.apply(on: connection).isEmpty)
        let status = try migrator.status(on: connection)
        #expect(status.map(\.state) == [.applied, .applied, .applied])
        #expect(status.allSatisfy { $0.appliedAt != nil })
        #expect(status.map(\.name) == ["accounts", "counter", "later"])
    }

    @Test func twoMigratorsStartedAtOnceApplyEachMigrationExactlyOnce() async throws {
        let schema = try TestDatabase.makeSchema()
        let migrations = try Migration.load(from: folder(sample))
        let applied = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<4 {
                group.addTask {
                    try await BlockingWorker(name: "migrate-\(index)").run {
                        let connection = try PostgresConnection.connect(url: schema.url)
                        return try Migrator(migrations: migrations).apply(on: connection).count
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(applied == 3)
        let connection = try PostgresConnection.connect(url: schema.url)
        #expect(try connection.query("SELECT count(*) FROM counter")[0].decode(0, as: Int.self) == 1)
        #expect(try connection.query("SELECT count(*) FROM schema_migrations")[0].decode(0, as: Int.self) == 3)
    }

    @Test func aMigrationChangedAfterItWasAppliedIsAnError() throws {
        let (connection, _) = try TestDatabase.connect()
        let path = try folder(sample)
        try Migrator(migrations: Migration.load(from: path)).apply(on: connection)
        try "CREATE TABLE counter (n BIGINT);".write(toFile: path + "/0002_counter.sql", atomically: true, encoding: .utf8)
        let changed = Migrator(migrations: try Migration.load(from: path))
        #expect(throws: MigrationError.changedAfterApply(version: 2, file: "0002_counter.sql")) {
            try changed.status(on: connection)
        }
        #expect(throws: MigrationError.changedAfterApply(version: 2, file: "0002_counter.sql")) {
            try changed.apply(on: connection)
        }
    }

    @Test func anAppliedMigrationWhoseFileVanishedIsAnError() throws {
        let (connection, _) = try TestDatabase.connect()
        let path = try folder(sample)
        try Migrator(migrations: Migration.load(from: path)).apply(on: connection)
        try FileManager.default.removeItem(atPath: path + "/0010_later.sql")
        #expect(throws: MigrationError.appliedButMissing(version: 10, name: "later")) {
            try Migrator(migrations: Migration.load(from: path)).status(on: connection)
        }
    }

    @Test func aFailingMigrationRollsBackAndIsNotRecorded() throws {
        let (connection, _) = try TestDatabase.connect()
        let path = try folder(["0001_ok.sql": "CREATE TABLE ok (n INTEGER);",
                               "0002_broken.sql": "CREATE TABLE half (n INTEGER); INSERT INTO nowhere VALUES (1);"])
        let migrator = Migrator(migrations: try Migration.load(from: path))
        #expect(throws: PostgresError.self) { try migrator.apply(on: connection) }
        #expect(try migrator.status(on: connection).map(\.state) == [.applied, .pending])
        #expect(try connection.query("SELECT to_regclass('half') IS NULL")[0].decode(0, as: Bool.self))
    }

    @Test func badFileNamesAndDuplicateVersionsAreRejected() throws {
        #expect(throws: MigrationError.badFileName("1_short.sql")) {
            try Migration.load(from: folder(["1_short.sql": "SELECT 1;"]))
        }
        #expect(throws: MigrationError.duplicateVersion(3, "0003_a.sql", "0003_b.sql")) {
            try Migration.load(from: folder(["0003_a.sql": "SELECT 1;", "0003_b.sql": "SELECT 1;"]))
        }
        #expect(throws: MigrationError.unreadableDirectory("/nonexistent/migrations")) {
            try Migration.load(from: "/nonexistent/migrations")
        }
        #expect(MigrationError.unreadableDirectory("/nonexistent/migrations").description
                == "MIGRATIONS_DIR=\"/nonexistent/migrations\" is not a readable folder of NNNN_name.sql files (unset it to use the migrations built into alfa)")
    }

    @Test func theBuiltInMigrationsEqualTheFolderFileForFile() throws {
        let folder = try Migration.load(from: TestDatabase.migrationsDirectory)
        #expect(!folder.isEmpty)
        #expect(Migration.embedded.map(\.fileName) == folder.map(\.fileName),
                "migrations/ and the built-in set differ: run commands/lib/embed")
        for (embedded, file) in zip(Migration.embedded, folder) {
            #expect(Array(embedded.sql.utf8) == Array(file.sql.utf8),
                    "\(file.fileName) differs from its built-in copy: run commands/lib/embed")
        }
    }

    @Test func theBuiltInAndTheFolderMigrationsRecordTheSameChecksums() throws {
        let (builtIn, _) = try TestDatabase.connect()
        try Migrator(migrations: Migration.embedded).apply(on: builtIn)
        let (fromFolder, _) = try TestDatabase.connect()
        let folder = try Migration.load(from: TestDatabase.migrationsDirectory)
        try Migrator(migrations: folder).apply(on: fromFolder)
        let checksums = "SELECT version, name, checksum FROM schema_migrations ORDER BY version"
        let recorded = { (connection: PostgresConnection) in
            try connection.query(checksums).map { try "\($0.decode(0, as: Int.self)) \($0.decode(1, as: String.self)) \($0.decode(2, as: String.self))" }
        }
        #expect(try recorded(builtIn).count == folder.count)
        #expect(try recorded(builtIn) == recorded(fromFolder))
        // A database migrated from the folder sees nothing to do with the built-in set, and the reverse.
        #expect(try Migrator(migrations: Migration.embedded).status(on: fromFolder).allSatisfy { $0.state == .applied })
        #expect(try Migrator(migrations: folder).apply(on: builtIn).isEmpty)
    }

    @Test func theRealMigrationsApplyCleanly() throws {
        let connection = try TestDatabase.migrated()
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
            .map { try $0.decode(0, as: String.self) }
            .filter { !$0.hasPrefix("fills_") }   // the months of fills, and its default partition
        #expect(tables == ["alert_outbox", "audit_log", "breaker_events", "breaker_state", "copy_cursor", "copy_leader_changes", "copy_leader_set", "copy_leader_settings", "copy_leaders",
                           "copy_orders", "copy_pause", "execution_history", "execution_state", "fills", "indexer_blocks", "indexer_state",
                           "leaderboard_entries", "leaderboard_snapshots", "notify_preferences", "raw_log_archives", "raw_logs", "report_runs", "schema_migrations", "singleton_leases", "telegram_chats",
                           "telegram_offsets", "trader_positions", "uncertain_positions", "watch_cursor", "watches"])
    }

    /// At the upgrade to v2: a keeper's cancellation is a declined order, a v1.5 LIVE order
    /// still in flight (its calldata reverts since 2026-08-12) ends as expired, saying why, and a
    /// LIVE intent not signed yet gets a 256-bit nonce.
    @Test func theV2MigrationCarriesV15OrdersOver() throws {
        let (connection, _) = try TestDatabase.connect()
        _ = try Migrator(migrations: Array(Migration.embedded.prefix { $0.version < 10 })).apply(on: connection)
        for (index, (mode, status)) in [("LIVE", "submitted"), ("LIVE", "canceled"), ("DRY", "intent"), ("LIVE", "filled"),
                                         ("LIVE", "intent")].enumerated() {
            try connection.query("""
                INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade, leader_price,
                    leader_time, action, mode, status, pair_index, is_long)
                VALUES ($1, sha256(int8send($1)), 0, decode(repeat('00', 20), 'hex'), 'open', 'x', 1, now(), 'open', $2, $3, 1, true)
                """, [Int64(index), mode, status])
        }
        _ = try Migrator(migrations: Migration.embedded).apply(on: connection)
        let rows = try connection.query("SELECT status, coalesce(reason, ''), coalesce(length(intent_nonce), 0) FROM copy_orders ORDER BY id")
            .map { "\(try $0.decode(0, as: String.self)) \(try $0.decode(1, as: String.self)) \(try $0.decode(2, as: Int32.self))" }
        #expect(rows == ["expired left in flight by the v1.5 executor at the upgrade to Avantis v2: check the wallet on chain 0",
                         "declined  0", "intent  0", "filled  0", "intent  66"])
    }
}

@Suite("fills by month (real server)", .postgres)
struct FillsByMonthTests {
    /// Every row, in id order, as text: the same before and after means nothing was lost,
    /// duplicated or changed.
    private func fingerprint(_ connection: PostgresConnection) throws -> (count: Int64, digest: String) {
        let row = try connection.query("SELECT count(*), md5(coalesce(string_agg(f::text, '|' ORDER BY id), '')) FROM fills f")[0]
        return (try row.decode(0), try row.decode(1))
    }

    /// `count` fills, 15 minutes apart from `start` in a scrambled order, written by plain SQL
    /// (no partition made first).
    private func insertRaw(_ count: Int, from start: String, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO fills (block_number, block_hash, block_time, tx_hash, log_index, event_generation, trader, pair_index,
                               trade_index, open_time, kind, order_type, is_long, price, leverage, collateral,
                               position_collateral, notional, percent_profit, payout, order_id, funding_usdc)
            SELECT 1000 + n, decode(repeat('bb', 32), 'hex'),
                   timestamptz '\(start)' + ((n * 7919) % \(count)) * interval '15 minutes',
                   decode(lpad(to_hex(n), 64, '0'), 'hex'), n % 4, 'v2', decode(lpad(to_hex(n % 37), 40, '0'), 'hex'), n % 7,
                   n % 3, 1735689600, CASE WHEN n % 2 = 0 THEN 'open' ELSE 'close' END, 'market', n % 5 <> 0, 650000000000000 + n,
                   200000000000, 1000000 * (n % 900 + 1), 1000000, 20000000, 0, n, n, n % 11 - 5
            FROM generate_series(1, \(count)) n
            """)
    }

    @Test func theConversionKeepsEveryRowOnceAndTheIdsGoOn() throws {
        let (connection, _) = try TestDatabase.connect()
        let all = try Migration.load(from: TestDatabase.migrationsDirectory)
        try Migrator(migrations: all.filter { $0.version < 15 }).apply(on: connection)
        // 20,000 fills over seven months, stored out of time order, ids with a gap.
        try insertRaw(20_000, from: "2025-01-01 00:00:00+00", on: connection)
        try connection.execute("""
            DELETE FROM fills WHERE id BETWEEN 500 AND 520;
            """)
        let before = try fingerprint(connection)
        let maxID: Int64 = try connection.query("SELECT max(id) FROM fills")[0].decode(0)
        #expect(before.count == 19_979)

        try Migrator(migrations: all).apply(on: connection)
        let after = try fingerprint(connection)
        #expect(after.count == before.count && after.digest == before.digest)
        let months: [String] = try connection.query(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'fills'::regclass ORDER BY 1"
        ).map { try $0.decode(0) }
        #expect(months.contains("fills_2025_01") && months.contains("fills_2025_07") && months.contains("fills_default"))
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_default")[0].decode(0, as: Int64.self) == 0)
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_2025_03")[0].decode(0, as: Int64.self) > 0)

        // New fills take the next ids; a log stored again is still refused.
        let fresh = SampleFills.make(count: 4, trader: 9)
        try connection.transaction { try FillRepository().insert(fresh, on: $0) }
        let ids: [Int64] = try connection.query("SELECT id FROM fills WHERE trader = $1 ORDER BY id", [fresh[0].trader]).map { try $0.decode(0) }
        #expect(ids == [maxID + 1, maxID + 2, maxID + 3, maxID + 4])
        #expect {
            try connection.transaction { try FillRepository().insert([fresh[0]], on: $0) }
        } throws: { ($0 as? PostgresError)?.kind == .uniqueViolation }
    }

    @Test func aTimeWindowReadsOnlyItsMonths() throws {
        let connection = try TestDatabase.migrated()
        var fills: [Fill] = []
        for month in 0..<4 {
            fills += SampleFills.make(count: 50, trader: UInt8(month + 1)).map { fill in
                var moved = fill
                moved.blockTime += Int64(month) * 31 * 86_400
                return moved
            }
        }
        try connection.transaction { try FillRepository().insert(fills, on: $0) }
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_default")[0].decode(0, as: Int64.self) == 0)
        let plan = try connection.query(
            "EXPLAIN SELECT count(*) FROM fills WHERE block_time >= '2025-02-05' AND block_time < '2025-02-20'"
        ).map { try $0.decode(0, as: String.self) }.joined(separator: "\n")
        #expect(plan.contains("fills_2025_02"))
        #expect(!plan.contains("fills_2025_01") && !plan.contains("fills_2025_03") && !plan.contains("fills_default"))
    }

    /// A fill of a month without its partition lands in the default one; the next insert or
    /// `alfa db optimize` moves it into its month.
    @Test func aFillOfAMonthWithoutItsPartitionIsMovedIntoItLater() throws {
        let connection = try TestDatabase.migrated()
        try insertRaw(3, from: "2020-09-10 00:00:00+00", on: connection)
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_default")[0].decode(0, as: Int64.self) == 3)
        let created = try MaintenanceRepository().ensureFillPartitions(monthsAhead: 2, on: connection)
        #expect(created > 0)
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_default")[0].decode(0, as: Int64.self) == 0)
        #expect(try connection.query("SELECT count(*) FROM ONLY fills_2020_09")[0].decode(0, as: Int64.self) == 3)
        try connection.execute("ANALYZE")
        let partitions = try MaintenanceRepository().fillPartitions(on: connection)
        #expect(partitions.first { $0.name == "fills_2020_09" }?.rows == 3)
        let report = DatabaseAdvice.partitions(partitions, created: created)
        #expect(report[0].hasPrefix("fills by month: \(partitions.count - 1) partitions"))
        #expect(report.contains { $0.hasPrefix("fills_2020_09") && $0.contains(" 3 ") })
    }
}
