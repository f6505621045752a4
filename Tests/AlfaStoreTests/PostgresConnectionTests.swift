import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

@Suite("PostgreSQL connection (real server)", .postgres)
struct PostgresConnectionTests {
    @Test func everyColumnTypeRoundTripsThroughParameters() throws {
        let (connection, _) = try TestDatabase.connect()
        try connection.execute(
            """
            CREATE TABLE kinds (
                i64 BIGINT, i32 INTEGER, i16 SMALLINT, txt TEXT, flag BOOLEAN, raw BYTEA,
                at TIMESTAMPTZ, big NUMERIC(78, 0), ratio DOUBLE PRECISION, address BYTEA
            )
            """)
        let text = "tab\there, newline\nthere, back\\slash, quote' \"and\" ünïcödé 🚀"
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff, 0x5c, 0x09, 0x0a]
        let at = Timestamp(microsecondsSinceEpoch: 1_735_689_600_123_456)
        let big = Int128("170141183460469231731687303715884105727")!
        let address = EVMAddress(hex: "0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970")!
        try connection.query(
            "INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [Int64.min, Int32.max, Int16.min, text, true, ByteA(bytes), at, big, 0.1 + 0.2, address])
        try connection.query("INSERT INTO kinds VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                             [nil, nil, nil, nil, nil, nil, nil, nil, nil, nil])

        let rows = try connection.query("SELECT * FROM kinds ORDER BY i64 NULLS LAST")
        #expect(rows.count == 2)
        let row = rows[0]
        #expect(try row.decode(0, as: Int64.self) == Int64.min)
        #expect(try row.decode(1, as: Int32.self) == Int32.max)
        #expect(try row.decode(2, as: Int16.self) == Int16.min)
        #expect(try row.decode(3, as: String.self) == text)
        #expect(try row.decode(4, as: Bool.self) == true)
        #expect(try row.decode(5, as: ByteA.self).bytes == bytes)
        #expect(try row.decode(6, as: Timestamp.self) == at)
        #expect(try row.decode(7, as: Int128.self) == big)
        #expect(try row.decode(8, as: Double.self) == 0.1 + 0.2)
        #expect(try row.decode("address", as: EVMAddress.self) == address)
        let nulls = rows[1]
        for column in 0..<10 { #expect(nulls.isNull(column)) }
        #expect(try nulls.optional(0, as: Int64.self) == nil)
        #expect(throws: PostgresError.self) { try nulls.decode(0, as: Int64.self) }
    }

    @Test func timestampsBeforeTheEpochAndAtLeapDaysAreExact() throws {
        let (connection, _) = try TestDatabase.connect()
        for micros: Int64 in [-1, -86_400_000_001, 951_782_400_000_000, 4_102_444_800_999_999, 0] {
            let value = Timestamp(microsecondsSinceEpoch: micros)
            let row = try connection.query("SELECT $1::timestamptz, (extract(epoch FROM $1::timestamptz) * 1000000)::bigint", [value])[0]
            #expect(try row.decode(0, as: Timestamp.self) == value)
            #expect(try row.decode(1, as: Int64.self) == micros)
        }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        struct Boom: Error {}
        let (connection, _) = try TestDatabase.connect()
        try connection.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY)")
        #expect(throws: Boom.self) {
            try connection.transaction { connection in
                try connection.query("INSERT INTO ledger VALUES ($1)", [1])
                throw Boom()
            }
        }
        try connection.transaction { connection in try connection.query("INSERT INTO ledger VALUES ($1)", [2]) }
        let ids = try connection.query("SELECT id FROM ledger").map { try $0.decode(0, as: Int.self) }
        #expect(ids == [2])
    }

    @Test func aUniqueViolationIsATypedError() throws {
        let (connection, _) = try TestDatabase.connect()
        try connection.execute("CREATE TABLE once (id INTEGER PRIMARY KEY)")
        try connection.query("INSERT INTO once VALUES ($1)", [7])
        do {
            try connection.query("INSERT INTO once VALUES ($1)", [7])
            Issue.record("the duplicate insert succeeded")
        } catch {
            #expect(error.kind == .uniqueViolation)
            #expect(error.sqlState == "23505")
            #expect(error.description.contains("SQLSTATE 23505"))
        }
        // The connection is still usable afterwards.
        #expect(try connection.query("SELECT count(*) FROM once")[0].decode(0, as: Int.self) == 1)
    }

    @Test func aSyntaxErrorCarriesItsSQLState() throws {
        let (connection, _) = try TestDatabase.connect()
        #expect {
            try connection.query("SELEC 1")
        } throws: { error in
            (error as? PostgresError)?.sqlState == "42601" && (error as? PostgresError)?.kind == .queryFailed
        }
    }

    @Test func aWrongPasswordNeverAppearsInTheError() throws {
        let password = "hunter2-Sup3r-Secret"
        // The test cluster asks for a password on TCP; its socket URL names the port.
        let port = TestDatabase.url.components(separatedBy: "port=").last!.prefix { $0.isNumber }
        let url = "postgresql://postgres:\(password)@127.0.0.1:\(port)/alfa_test"
        do {
            _ = try PostgresConnection.connect(url: url, connectTimeoutSeconds: 5)
            Issue.record("connected with a wrong password")
        } catch {
            #expect(error.kind == .connectionFailed)
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains(password))
            #expect(!"\(error)".contains(password))
        }
        #expect(PostgresURL.redacted(url) == "postgresql://postgres:***@127.0.0.1:\(port)/alfa_test")
        #expect(!PostgresURL.redacted("postgres://a@h/db?password=\(password)&sslmode=off").contains(password))
    }

    @Test func anUnreachableServerIsAConnectionFailure() throws {
        #expect {
            try PostgresConnection.connect(url: "postgresql://alfa:pw-never-shown@127.0.0.1:1/alfa", connectTimeoutSeconds: 2)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.kind == .connectionFailed && !error.description.contains("pw-never-shown")
        }
    }

    @Test func listenReceivesANotificationFromAnotherConnection() throws {
        let (listener, _) = try TestDatabase.connect()
        let (sender, _) = try TestDatabase.connect()
        let channel = "alfa_mode_\(UInt32.random(in: 0...UInt32.max))"
        try listener.listen(channel)
        #expect(try listener.waitForNotifications(timeout: 0.05).isEmpty)
        try sender.notify(channel, payload: "{\"mode\":\"DRY\"}")
        let received = try listener.waitForNotifications(timeout: 5)
        #expect(received == [PostgresNotification(channel: channel, payload: "{\"mode\":\"DRY\"}", senderPID: sender.backendPID)])
        #expect(throws: PostgresError.self) { try listener.listen("bad; DROP TABLE x") }
    }

    @Test func anAdvisoryLockIsHeldByOneSessionAtATime() throws {
        let (first, _) = try TestDatabase.connect()
        let (second, _) = try TestDatabase.connect()
        let key = Int64.random(in: 1...Int64.max)
        #expect(try first.tryAdvisoryLock(key))
        #expect(try !second.tryAdvisoryLock(key))
        #expect(try first.advisoryUnlock(key))
        #expect(try second.tryAdvisoryLock(key))
        // A lock dies with its session: a crashed replica hands over once the server has seen it go.
        second.close()
        var taken = false
        for _ in 0..<100 where !taken {
            taken = try first.tryAdvisoryLock(key)
            if !taken { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(taken)
    }

    @Test func copyWritesEveryColumnTypeAndEscapesText() throws {
        let (connection, _) = try TestDatabase.connect()
        try connection.execute("CREATE TABLE copied (n BIGINT, t TEXT, b BOOLEAN, raw BYTEA, at TIMESTAMPTZ, maybe INTEGER)")
        let awkward = "a\tb\nc\\d\re ünï"
        let copied = try connection.copy(into: "copied", columns: ["n", "t", "b", "raw", "at", "maybe"]) { writer in
            writer.field(Int64.min)
            writer.field(awkward)
            writer.field(false)
            writer.field(bytes: [0x00, 0x5c, 0xff])
            writer.field(Timestamp(unixSeconds: 1_700_000_000))
            writer.null()
            try writer.endRow()
        }
        #expect(copied == 1)
        let row = try connection.query("SELECT * FROM copied")[0]
        #expect(try row.decode(0, as: Int64.self) == Int64.min)
        #expect(try row.decode(1, as: String.self) == awkward)
        #expect(try row.decode(2, as: Bool.self) == false)
        #expect(try row.decode(3, as: ByteA.self).bytes == [0x00, 0x5c, 0xff])
        #expect(try row.decode(4, as: Timestamp.self) == Timestamp(unixSeconds: 1_700_000_000))
        #expect(row.isNull(5))
    }

    @Test func aFailedCopyLeavesTheConnectionUsable() throws {
        struct Stop: Error {}
        let (connection, _) = try TestDatabase.connect()
        try connection.execute("CREATE TABLE partial (n BIGINT)")
        #expect(throws: Stop.self) {
            try connection.copy(into: "partial", columns: ["n"]) { writer in
                writer.field(Int64(1))
                try writer.endRow()
                throw Stop()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM partial")[0].decode(0, as: Int.self) == 0)
    }
}
