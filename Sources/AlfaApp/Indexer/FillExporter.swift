import AlfaCore
import AlfaStore

/// Streams fills out of the database in pages, so an export of millions of rows runs in
/// constant memory.
public enum FillExporter {
    public static func write(format: FillExport.Format, _ filter: FillRepository.Filter,
                             pool: PostgresPool, pageSize: Int = 10_000, _ emit: (String) -> Void) async throws {
        emit(FillExport.header(format))
        var after: Int64 = 0
        var first = true
        while true {
            let cursor = after
            let page = try await pool.withConnection {
                try FillRepository().page(after: cursor, limit: pageSize, filter, on: $0)
            }
            for (_, fill) in page {
                emit(FillExport.row(fill, format: format, first: first))
                first = false
            }
            guard let last = page.last, page.count == pageSize else { break }
            after = last.id
        }
        emit(FillExport.footer(format, empty: first))
    }
}
