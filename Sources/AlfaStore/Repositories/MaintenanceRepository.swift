import AlfaCore

/// The reads and writes of `alfa db optimize`: statistics for advice, and raw logs moved out
/// once older than the retention.
public struct MaintenanceRepository: Sendable {
    public init() {}

    public func analyze(on connection: PostgresConnection) throws {
        try connection.execute("ANALYZE")
    }

    /// The tables of the schema alfa uses (the first on the search path).
    public func tables(on connection: PostgresConnection) throws -> [DatabaseAdvice.Table] {
        try connection.query(
            "SELECT relname::text AS name, pg_total_relation_size(relid) AS total_bytes, pg_indexes_size(relid) AS index_bytes, "
                + "n_live_tup, n_dead_tup, coalesce(seq_scan, 0) AS seq_scan, coalesce(idx_scan, 0) AS idx_scan "
                + "FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY relname").map {
            DatabaseAdvice.Table(name: try $0.decode("name"), totalBytes: try $0.decode("total_bytes"), indexBytes: try $0.decode("index_bytes"),
                                 liveRows: try $0.decode("n_live_tup"), deadRows: try $0.decode("n_dead_tup"),
                                 sequentialScans: try $0.decode("seq_scan"), indexScans: try $0.decode("idx_scan"))
        }
    }

    public func indexes(on connection: PostgresConnection) throws -> [DatabaseAdvice.Index] {
        try connection.query(
            "SELECT s.indexrelname::text AS name, s.relname::text AS table_name, pg_relation_size(s.indexrelid) AS bytes, s.idx_scan, "
                + "i.indisunique OR i.indisprimary AS enforces_uniqueness "
                + "FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid "
                + "WHERE s.schemaname = current_schema() ORDER BY s.relname, s.indexrelname").map {
            DatabaseAdvice.Index(name: try $0.decode("name"), table: try $0.decode("table_name"), bytes: try $0.decode("bytes"),
                                 scans: try $0.decode("idx_scan"), enforcesUniqueness: try $0.decode("enforces_uniqueness"))
        }
    }

    /// Creates the partitions of `fills` missing from its first month through `monthsAhead`
    /// months from now, moving any fill waiting in the default partition; returns how many.
    public func ensureFillPartitions(monthsAhead: Int, on connection: PostgresConnection) throws -> Int {
        Int(try connection.query(
            "SELECT alfa_ensure_fills_partitions(least(coalesce((SELECT min(block_time) FROM fills), now()), now()), "
                + "now() + make_interval(months => $1))", [Int32(monthsAhead)])[0].decode(0, as: Int32.self))
    }

    /// The partitions of `fills`, with their bounds, rows (as of the last ANALYZE) and size.
    public func fillPartitions(on connection: PostgresConnection) throws -> [DatabaseAdvice.Partition] {
        try connection.query(
            "SELECT c.relname::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bounds, greatest(c.reltuples, 0)::bigint AS rows, "
                + "pg_total_relation_size(c.oid) AS total_bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = to_regclass('fills') ORDER BY c.relname").map {
            DatabaseAdvice.Partition(name: try $0.decode("name"), bounds: try $0.decode("bounds"), rows: try $0.decode("rows"),
                                     totalBytes: try $0.decode("total_bytes"))
        }
    }

    /// Up to `limit` raw logs stored before `cutoff` (unix seconds), oldest first, as JSON objects.
    public func rawLogs(storedBefore cutoff: Int64, limit: Int, on connection: PostgresConnection) throws -> [(id: Int64, json: String)] {
        try connection.query(
            "SELECT id, json_build_object('id', id, 'block_number', block_number, 'block_hash', '0x' || encode(block_hash, 'hex'), "
                + "'tx_hash', '0x' || encode(tx_hash, 'hex'), 'log_index', log_index, 'address', '0x' || encode(address, 'hex'), "
                + "'topics', '0x' || encode(topics, 'hex'), 'data', '0x' || encode(data, 'hex'), 'reason', reason, "
                + "'detail', detail, 'stored_at', stored_at)::text AS json FROM raw_logs WHERE stored_at < $1 ORDER BY id LIMIT $2",
            [Timestamp(unixSeconds: cutoff), limit]).map { (try $0.decode("id"), try $0.decode("json")) }
    }

    /// Deletes the archived rows and records the archive file, in one transaction.
    public func archived(ids: [Int64], file: String, olderThan cutoff: Int64, on connection: PostgresConnection) throws {
        try connection.transaction { connection in
            try connection.query("DELETE FROM raw_logs WHERE id = ANY($1::bigint[])", ["{" + ids.map(String.init).joined(separator: ",") + "}"])
            try connection.query("INSERT INTO raw_log_archives (file, rows, older_than) VALUES ($1, $2, $3)",
                                 [file, Int64(ids.count), Timestamp(unixSeconds: cutoff)])
        }
    }
}
