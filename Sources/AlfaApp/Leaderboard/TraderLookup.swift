import AlfaCore
import AlfaStore

/// Finds the trader a chat means: an address as it is, a rank on the latest 30-day board, a
/// part of an address among every trader with a fill.
public enum TraderLookup {
    public static func resolve(_ reference: TraderReference, pool: PostgresPool) async throws -> TraderReference.Resolution {
        switch reference {
        case .address(let address): return .found(address)
        case .rank(let rank):
            return try await pool.withConnection { connection in
                let repository = LeaderboardRepository()
                guard let latest = try repository.latest(on: connection) else { return .notFound }
                let top = try repository.top(rank, window: .thirtyDays, snapshot: latest.id, on: connection)
                return top.count == rank ? .found(top[rank - 1].trader) : .notFound
            }
        case .abbreviated(let prefix, let suffix):
            let matches = try await pool.withConnection {
                try FillRepository().traders(prefix: prefix, suffix: suffix, limit: TraderReference.listedMatches + 1, on: $0)
            }
            switch matches.count {
            case 0: return .notFound
            case 1: return .found(matches[0])
            default: return .ambiguous(matches)
            }
        }
    }
}
