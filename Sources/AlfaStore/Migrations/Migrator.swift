/// Applies migrations in order, each in its own transaction, recorded with a SHA-256
/// checksum in `schema_migrations`. An advisory lock makes replicas that start together
/// apply each migration exactly once.
public struct Migrator: Sendable {
    public enum State: String, Sendable { case applied, pending }

    public struct Status: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let state: State
        public let appliedAt: Timestamp?
    }

    /// 'alfamigr' in ASCII: the advisory-lock key of migrations.
    static let lockKey: Int64 = 0x616c_6661_6d69_6772

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    /// Applies what is pending; returns the migrations it applied (none if another
    /// replica got there first).
    @discardableResult
    public func apply(on connection: PostgresConnection) throws -> [Migration] {
        try connection.advisoryLock(Self.lockKey)
        defer { _ = try? connection.advisoryUnlock(Self.lockKey) }
        try ensureTable(on: connection)
        let applied = try verify(on: connection)
        var done: [Migration] = []
        for migration in migrations where applied[migration.version] == nil {
            try connection.transaction { connection in
                try connection.execute(migration.sql)
                try connection.query(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))
                    """,
                    [migration.version, migration.name, migration.sql])
            }
            done.append(migration)
        }
        return done
    }

    /// Every migration, applied or pending. Throws if an applied one changed or vanished.
    public func status(on connection: PostgresConnection) throws -> [Status] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].decode(0, as: Bool.self)
        guard exists else {
            return migrations.map { Status(version: $0.version, name: $0.name, state: .pending, appliedAt: nil) }
        }
        let applied = try verify(on: connection)
        return migrations.map { migration in
            Status(version: migration.version, name: migration.name,
                   state: applied[migration.version] == nil ? .pending : .applied,
                   appliedAt: applied[migration.version])
        }
    }

    private func ensureTable(on connection: PostgresConnection) throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                checksum   TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """)
    }

    /// Applied versions with their time, after checking each against its file.
    private func verify(on connection: PostgresConnection) throws -> [Int: Timestamp] {
        let rows = try connection.query(
            """
            SELECT m.version, m.name, m.applied_at,
                   m.checksum = encode(sha256(convert_to(f.sql, 'UTF8')), 'hex') AS unchanged,
                   f.sql IS NULL AS missing
            FROM schema_migrations m
            LEFT JOIN unnest($1::int[], $2::text[]) AS f(version, sql) ON f.version = m.version
            ORDER BY m.version
            """,
            [Self.arrayLiteral(migrations.map { String($0.version) }),
             Self.arrayLiteral(migrations.map(\.sql))])
        var applied: [Int: Timestamp] = [:]
        for row in rows {
            let version = try row.decode(0, as: Int.self)
            if try row.decode(4, as: Bool.self) {
                throw MigrationError.appliedButMissing(version: version, name: try row.decode(1))
            }
            guard try row.decode(3, as: Bool.self) else {
                let file = migrations.first { $0.version == version }?.fileName ?? String(version)
                throw MigrationError.changedAfterApply(version: version, file: file)
            }
            applied[version] = try row.decode(2, as: Timestamp.self)
        }
        return applied
    }

    /// A PostgreSQL array literal of quoted elements, sent as one parameter.
    static func arrayLiteral(_ elements: [String]) -> String {
        let quoted = elements.map { element in
            "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }
}
