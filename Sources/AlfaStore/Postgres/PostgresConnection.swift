import AlfaSystem
import CLibPQ
import Foundation

/// One libpq connection. Every call blocks, so a connection lives on one thread (a pool
/// slot's `BlockingWorker`) and is never touched from Swift's cooperative pool.
public final class PostgresConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private let password: String?

    /// Connects with a `postgres://` URL. Settings in the URL win; the session then runs in
    /// UTC with ISO dates so timestamps decode the same everywhere.
    public static func connect(url: String, connectTimeoutSeconds: Int = 10) throws(PostgresError) -> PostgresConnection {
        // Earlier keywords are defaults that the expanded URL (dbname) overrides.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = [String(connectTimeoutSeconds), "alfa", url]
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        let password = PostgresURL.password(in: url)
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(handle)
            throw PostgresError(kind: .connectionFailed, message: scrub(message, password: password))
        }
        // libpq prints server notices to stderr by default; alfa's logs are its own.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, password: password)
        try connection.execute("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3; SET client_min_messages = warning")
        return connection
    }

    private init(handle: OpaquePointer, password: String?) {
        self.handle = handle
        self.password = password
    }

    deinit { PQfinish(handle) }

    /// False once the server has gone away; the pool then replaces the connection.
    public var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// The server process id serving this connection (handy for tests and diagnostics).
    public var backendPID: Int32 { handle.map(PQbackendPID) ?? 0 }

    public func close() {
        PQfinish(handle)
        handle = nil
    }

    /// Runs one statement with `$1…$n` parameters (`PQexecParams`). Values never enter the SQL text.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> PostgresRows {
        let handle = try liveHandle()
        let texts = parameters.map { $0?.postgresText }
        let result: OpaquePointer? = withOptionalCStringArray(texts) { values in
            PQexecParams(handle, sql, Int32(texts.count), nil, values, nil, nil, 0)
        }
        return try check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK])
    }

    /// Runs SQL text without parameters, possibly several statements (migrations, SET).
    public func execute(_ sql: String) throws(PostgresError) {
        let handle = try liveHandle()
        _ = try check(PQexec(handle, sql), expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY])
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    @discardableResult
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isConnected { try? execute("ROLLBACK") }
            throw error
        }
        try execute("COMMIT")
        return value
    }

    // MARK: Advisory locks (session level: held until unlocked or the connection ends)

    public func advisoryLock(_ key: Int64) throws(PostgresError) {
        try query("SELECT pg_advisory_lock($1)", [key])
    }

    public func tryAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_try_advisory_lock($1)", [key])[0].decode(0, as: Bool.self)
    }

    /// Whether this session holds the advisory lock `key`, asked of the server: a round trip on
    /// this connection, so a connection the server closed (a restart, a terminated backend)
    /// fails here instead of looking alive.
    public func holdsAdvisoryLock(_ key: Int64) throws(PostgresError) -> Bool {
        // A bigint key is stored split: classid the high 32 bits, objid the low 32, objsubid 1.
        try query("""
            SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
              AND objsubid = 1 AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295
            """, [key])[0].decode(0, as: Bool.self)
    }

    @discardableResult
    public func advisoryUnlock(_ key: Int64) throws(PostgresError) -> Bool {
        try query("SELECT pg_advisory_unlock($1)", [key])[0].decode(0, as: Bool.self)
    }

    // MARK: LISTEN / NOTIFY

    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN \(try Self.identifier(channel))")
    }

    public func unlisten(_ channel: String) throws(PostgresError) {
        try execute("UNLISTEN \(try Self.identifier(channel))")
    }

    public func notify(_ channel: String, payload: String) throws(PostgresError) {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Waits up to `timeout` seconds for notifications on the channels this connection listens to.
    public func waitForNotifications(timeout: Double) throws(PostgresError) -> [PostgresNotification] {
        let handle = try liveHandle()
        var received = try drainNotifications(handle)
        if !received.isEmpty { return received }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(0, timeout * 1000)))
        if ready > 0 { received = try drainNotifications(handle) }
        return received
    }

    private func drainNotifications(_ handle: OpaquePointer) throws(PostgresError) -> [PostgresNotification] {
        guard PQconsumeInput(handle) == 1 else {
            throw error(kind: PQstatus(handle) == CONNECTION_BAD ? .connectionLost : .queryFailed, sqlState: nil,
                        message: String(cString: PQerrorMessage(handle)))
        }
        var notifications: [PostgresNotification] = []
        while let notice = PQnotifies(handle) {
            notifications.append(PostgresNotification(
                channel: String(cString: notice.pointee.relname),
                payload: String(cString: notice.pointee.extra),
                senderPID: notice.pointee.be_pid
            ))
            PQfreemem(notice)
        }
        return notifications
    }

    // MARK: COPY

    /// Bulk-loads rows with `COPY table (columns) FROM STDIN`; `write` appends them to the
    /// writer, which streams them to the server as its buffer fills. Returns the rows copied.
    @discardableResult
    public func copy(into table: String, columns: [String],
                     _ write: (PostgresCopyWriter) throws -> Void) throws -> Int {
        let handle = try liveHandle()
        let columnList = try columns.map { name throws(PostgresError) in try Self.identifier(name) }
            .joined(separator: ", ")
        let sql = "COPY \(try Self.qualifiedIdentifier(table)) (\(columnList)) FROM STDIN"
        guard let start = PQexec(handle, sql) else {
            throw error(kind: .connectionLost, sqlState: nil, message: String(cString: PQerrorMessage(handle)))
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start, expecting: [])
            return 0
        }
        PQclear(start)
        let writer = PostgresCopyWriter(handle: handle)
        do {
            try write(writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by the client")
            _ = try? finishCopy(handle)
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            throw self.error(kind: .connectionLost, sqlState: nil, message: String(cString: PQerrorMessage(handle)))
        }
        return try finishCopy(handle)
    }

    /// Streams `COPY (query) TO STDOUT (FORMAT binary)`: each row's fields, as libpq delivers
    /// them, go to `row` without a result set in memory. Returns the rows read. If `row`
    /// throws, the rest of the copy is read and dropped, so the connection stays usable.
    @discardableResult
    public func copyOut(binary query: String, _ row: (PostgresBinaryRow) throws -> Void) throws -> Int {
        let handle = try liveHandle()
        guard let start = PQexec(handle, "COPY (\(query)) TO STDOUT (FORMAT binary)") else {
            throw error(kind: .connectionLost, sqlState: nil, message: String(cString: PQerrorMessage(handle)))
        }
        guard PQresultStatus(start) == PGRES_COPY_OUT else {
            _ = try check(start, expecting: [])
            return 0
        }
        PQclear(start)
        var rows = 0
        var failure: (any Error)?
        var headerSkipped = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            guard length >= 0, let buffer else {
                if length == -2 { failure = failure ?? error(kind: .connectionLost, sqlState: nil, message: String(cString: PQerrorMessage(handle))) }
                break
            }
            defer { PQfreemem(buffer) }
            guard failure == nil else { continue }
            var bytes = UnsafeRawBufferPointer(start: buffer, count: Int(length))
            if !headerSkipped {
                // "PGCOPY\n\377\r\n\0", flags, then a header extension of the length given.
                guard bytes.count >= 19 else { failure = PostgresError(kind: .decodingFailed, message: "short COPY header"); continue }
                let extensionLength = Int(bytes.loadUnaligned(fromByteOffset: 15, as: UInt32.self).bigEndian)
                bytes = UnsafeRawBufferPointer(rebasing: bytes[(19 + extensionLength)...])
                headerSkipped = true
            }
            guard bytes.count >= 2, bytes.loadUnaligned(as: Int16.self).bigEndian >= 0 else { continue } // the trailer
            do {
                try row(PostgresBinaryRow(bytes))
                rows += 1
            } catch {
                failure = error
            }
        }
        var finished: PostgresError?
        while let result = PQgetResult(handle) {
            do throws(PostgresError) { _ = try check(result, expecting: [PGRES_COMMAND_OK]) } catch { finished = finished ?? error }
        }
        if let failure { throw failure }
        if let finished { throw finished }
        return rows
    }

    private func finishCopy(_ handle: OpaquePointer) throws(PostgresError) -> Int {
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            do throws(PostgresError) {
                copied += try check(result, expecting: [PGRES_COMMAND_OK]).affectedRows
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return copied
    }

    // MARK: Errors

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(kind: .connectionLost, message: "the connection is closed") }
        return handle
    }

    /// Takes ownership of `result`: returns it as rows, or clears it and throws a typed error.
    private func check(_ result: OpaquePointer?, expecting accepted: [ExecStatusType]) throws(PostgresError) -> PostgresRows {
        guard let result else {
            let message = handle.map { String(cString: PQerrorMessage($0)) } ?? "no connection"
            throw error(kind: isConnected ? .queryFailed : .connectionLost, sqlState: nil, message: message)
        }
        let status = PQresultStatus(result)
        if accepted.contains(status) { return PostgresRows(result: result) }
        defer { PQclear(result) }
        let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let message = String(cString: PQresultErrorMessage(result))
        throw error(kind: Self.kind(sqlState: sqlState, connected: isConnected), sqlState: sqlState, message: message)
    }

    private static func kind(sqlState: String?, connected: Bool) -> PostgresError.Kind {
        guard connected else { return .connectionLost }
        switch sqlState {
        case "23505": return .uniqueViolation
        case let state? where state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state): return .connectionLost
        default: return .queryFailed
        }
    }

    private func error(kind: PostgresError.Kind, sqlState: String?, message: String) -> PostgresError {
        PostgresError(kind: kind, sqlState: sqlState, message: Self.scrub(message, password: password))
    }

    /// Removes a password and collapses libpq's multi-line messages into one line.
    static func scrub(_ message: String, password: String?) -> String {
        var text = message
        if let password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "***")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A double-quoted SQL identifier; only plain names are accepted, so nothing can be injected.
    static func identifier(_ name: String) throws(PostgresError) -> String {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
              name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) }),
              name.count <= 63
        else { throw PostgresError(kind: .queryFailed, message: "\"\(name)\" is not a plain SQL identifier") }
        return "\"\(name)\""
    }

    static func qualifiedIdentifier(_ name: String) throws(PostgresError) -> String {
        try name.split(separator: ".", omittingEmptySubsequences: false)
            .map { part throws(PostgresError) in try identifier(String(part)) }
            .joined(separator: ".")
    }
}

/// A message received through LISTEN.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public let senderPID: Int32

    public init(channel: String, payload: String, senderPID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}

private func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings.map(Optional.some), body)
}

private func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } } + [nil])
}
