import AlfaCore
import AlfaStore

/// Finds the trader a chat means: an address as it is, a rank on the latest 30-day board, a
/// part of an address among every trader with a fill.
public enum TraderLookup {
    public static func resolve(_ reference: TraderReference, pool: PostgresPool) async throws -> Result<EVMAddress, TraderReference.Miss> {
        switch reference {
        case .address(let address): return .success(address)
        case .rank(let rank):
            return try await pool.withConnection { connection in
                let repository = LeaderboardRepository()
                guard let latest = try repository.latest(on: connection) else { return .failure(.notFound) }
                let top = try repository.top(rank, window: .thirtyDays, snapshot: latest.id, on: connection)
                return top.count == rank ? .success(top[rank - 1].trader) : .failure(.notFound)
            }
        case .abbreviated(let prefix, let suffix):
            let matches = try await pool.withConnection {
                try FillRepository().traders(prefix: prefix, suffix: suffix, limit: TraderReference.listedMatches + 1, on: $0)
            }
            switch matches.count {
            case 0: return .failure(.notFound)
            case 1: return .success(matches[0])
            default: return .failure(.ambiguous(matches))
            }
        }
    }

    /// `body` with the one trader `reference` means, or the answer saying why there is none.
    /// `body` runs on the caller's actor.
    public static func withTrader(_ reference: TraderReference, pool: PostgresPool, isolation: isolated (any Actor)? = #isolation,
                                  _ body: (EVMAddress) async throws -> ChatReply) async throws -> ChatReply {
        switch try await resolve(reference, pool: pool) {
        case .success(let trader): return try await body(trader)
        case .failure(let miss): return reference.reply(for: miss)
        }
    }
}
