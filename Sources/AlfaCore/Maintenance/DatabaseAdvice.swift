import Foundation

/// What `alfa db optimize` reads from PostgreSQL's statistics, and the advice it gives:
/// indexes never used, tables read by sequential scans that an index would serve, tables
/// with many dead rows. Pure: the statistics come in, lines of text go out.
public enum DatabaseAdvice {
    public struct Table: Sendable, Equatable {
        public var name: String
        public var totalBytes: Int64
        public var indexBytes: Int64
        public var liveRows: Int64
        public var deadRows: Int64
        public var sequentialScans: Int64
        public var indexScans: Int64

        public init(name: String, totalBytes: Int64, indexBytes: Int64, liveRows: Int64, deadRows: Int64,
                    sequentialScans: Int64, indexScans: Int64) {
            self.name = name
            self.totalBytes = totalBytes
            self.indexBytes = indexBytes
            self.liveRows = liveRows
            self.deadRows = deadRows
            self.sequentialScans = sequentialScans
            self.indexScans = indexScans
        }
    }

    public struct Index: Sendable, Equatable {
        public var name: String
        public var table: String
        public var bytes: Int64
        public var scans: Int64
        /// Unique and primary-key indexes enforce a rule: never advised for removal.
        public var enforcesUniqueness: Bool

        public init(name: String, table: String, bytes: Int64, scans: Int64, enforcesUniqueness: Bool) {
            self.name = name
            self.table = table
            self.bytes = bytes
            self.scans = scans
            self.enforcesUniqueness = enforcesUniqueness
        }
    }

    /// One partition of `fills`: a month, or the default one that catches months without theirs.
    public struct Partition: Sendable, Equatable {
        public var name: String
        /// `FOR VALUES FROM (…) TO (…)`, or `DEFAULT`.
        public var bounds: String
        public var rows: Int64
        public var totalBytes: Int64
        public var isDefault: Bool { bounds == "DEFAULT" }

        public init(name: String, bounds: String, rows: Int64, totalBytes: Int64) {
            self.name = name
            self.bounds = bounds
            self.rows = rows
            self.totalBytes = totalBytes
        }
    }

    /// The `fills` partitions, oldest month first, then what to do about them.
    public static func partitions(_ partitions: [Partition], created: Int) -> [String] {
        let months = partitions.filter { !$0.isDefault }.sorted { $0.name < $1.name }
        let width = max(9, partitions.map(\.name.count).max() ?? 0)
        var lines = ["fills by month: \(months.count) partitions" + (created > 0 ? " (\(created) created now, for months ahead)" : ""),
                     pad("partition", width) + "  " + pad("rows", 12, left: true) + "  " + pad("size", 10, left: true)]
        for partition in months + partitions.filter(\.isDefault) {
            lines.append(pad(partition.name, width) + "  " + pad("\(partition.rows)", 12, left: true) + "  "
                         + pad(bytes(partition.totalBytes), 10, left: true))
        }
        if let fallback = partitions.first(where: \.isDefault), fallback.rows > 0 {
            lines.append("\(fallback.rows) fills wait in \(fallback.name), outside every month's partition: the next insert "
                + "or alfa db optimize moves them into their months")
        }
        return lines
    }

    /// A table is worth an index when it is big and mostly read whole.
    static let manyRows: Int64 = 10_000
    static let manySequentialScans: Int64 = 100

    public static func advice(tables: [Table], indexes: [Index]) -> [String] {
        var lines: [String] = []
        for index in indexes where index.scans == 0 && !index.enforcesUniqueness {
            lines.append("index \(index.name) on \(index.table) (\(bytes(index.bytes))) has not been used since the statistics were "
                + "reset: if that holds over weeks of normal traffic, DROP INDEX \(index.name) saves its space and write cost")
        }
        for table in tables where table.liveRows >= manyRows && table.sequentialScans >= manySequentialScans
            && table.sequentialScans > 10 * table.indexScans {
            lines.append("\(table.name) (\(table.liveRows) rows) was read by \(table.sequentialScans) sequential scans against "
                + "\(table.indexScans) index scans: a frequent query filters on a column without an index; find it in "
                + "pg_stat_statements and index that column")
        }
        for table in tables where table.deadRows > 1_000 && table.deadRows * 5 > table.liveRows {
            lines.append("\(table.name) has \(table.deadRows) dead rows for \(table.liveRows) live ones: autovacuum is behind; "
                + "VACUUM (ANALYZE) \(table.name) now, and check autovacuum settings")
        }
        return lines.isEmpty ? ["nothing to change: every non-unique index is used, no big table is scanned whole, no table is bloated"] : lines
    }

    /// The sizes table: largest first.
    public static func sizes(_ tables: [Table]) -> [String] {
        let sorted = tables.sorted { $0.totalBytes > $1.totalBytes }
        let width = max(5, sorted.map(\.name.count).max() ?? 0)
        var lines = [pad("table", width) + "  " + pad("total", 10, left: true) + "  " + pad("indexes", 10, left: true) + "  "
                     + pad("rows", 12, left: true)]
        for table in sorted {
            lines.append(pad(table.name, width) + "  " + pad(bytes(table.totalBytes), 10, left: true) + "  "
                         + pad(bytes(table.indexBytes), 10, left: true) + "  " + pad("\(table.liveRows)", 12, left: true))
        }
        return lines
    }

    /// `text` padded with spaces to `count` characters, on the left for numbers.
    private static func pad(_ text: String, _ count: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, count - text.count))
        return left ? fill + text : text + fill
    }

    /// `8.0 kB`, `1.5 MB`, `2.0 GB`.
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1_024, unit < units.count - 1 {
            value /= 1_024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f ", value) + units[unit]
    }
}
