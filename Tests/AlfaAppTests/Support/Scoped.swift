@testable import AlfaApp
import AlfaStore

/// A copy harness for the length of `body`, stopped afterwards whether `body` returned or
/// threw. (`defer { Task { … } }` left the stop racing the next test.)
func withCopyHarness<T>(chain: ChainPeer? = nil, relayer: RelayerPeer? = nil, database: String? = nil,
                        _ extra: [String: String] = [:], indexing: Bool = true,
                        _ body: (CopyHarness) async throws -> T) async throws -> T {
    let harness = try await CopyHarness(chain: chain, relayer: relayer, database: database, extra, indexing: indexing)
    do {
        let value = try await body(harness)
        await harness.stop()
        return value
    } catch {
        await harness.stop()
        throw error
    }
}

/// `pool` for the length of `body`, closed afterwards whether `body` returned or threw.
func closing<T>(_ pool: PostgresPool, _ body: (PostgresPool) async throws -> T) async throws -> T {
    do {
        let value = try await body(pool)
        await pool.close()
        return value
    } catch {
        await pool.close()
        throw error
    }
}
