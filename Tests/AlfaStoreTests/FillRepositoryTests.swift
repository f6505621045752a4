import AlfaCore
import AlfaStore
import AlfaTestSupport
import Testing

@Suite("Fill repository (real server)", .postgres)
struct FillRepositoryTests {
    @Test func fillsRoundTripWithEveryField() throws {
        let connection = try TestDatabase.migrated()
        let fills = SampleFills.make(count: 12)
        let repository = FillRepository()
        #expect(try connection.transaction { try repository.insert(fills, on: $0) } == 12)
        let stored = try repository.fills(of: fills[0].trader, on: connection)
        #expect(stored == fills)
        let derived = try connection.query("SELECT notional, gross_pnl, net_pnl FROM fills WHERE kind = 'close' LIMIT 1")[0]
        let close = fills.first { $0.kind == .close }!
        #expect(try derived.decode(0, as: Int64.self) == close.notional)
        #expect(try derived.decode(1, as: Int64.self) == close.grossPnL)
        #expect(try derived.decode(2, as: Int64.self) == close.netPnL)
    }

    /// The leaderboard's replay: one binary COPY in chain order, the fields the FIFO reads exact.
    @Test func theLeaderboardReplayStreamsWhatTheFIFOReadsInChainOrder() throws {
        let connection = try TestDatabase.migrated()
        let repository = FillRepository()
        // Stored out of chain order (as alfa abi redecode may), in two traders.
        let fills = (SampleFills.make(count: 300, trader: 2) + SampleFills.make(count: 200, trader: 3)).shuffled()
        try connection.transaction { try repository.insert(fills, on: $0) }
        var streamed: [(id: Int64, fill: Fill)] = []
        var batches = 0
        let count = try repository.streamForLeaderboard(batch: 64, on: connection) { batch in
            batches += 1
            streamed += batch
        }
        #expect(count == 500 && streamed.count == 500 && batches == 8)
        // In chain order; the two traders' samples share positions, so ties are ordered by id to compare.
        func position(_ row: (id: Int64, fill: Fill)) -> (Int64, Int32) { (row.fill.blockNumber, row.fill.logIndex) }
        #expect(zip(streamed, streamed.dropFirst()).allSatisfy { position($0) <= position($1) })
        let byChain: ((id: Int64, fill: Fill), (id: Int64, fill: Fill)) -> Bool = {
            ($0.fill.blockNumber, $0.fill.logIndex, $0.id) < ($1.fill.blockNumber, $1.fill.logIndex, $1.id)
        }
        streamed.sort(by: byChain)
        let expected = try repository.fills(after: 0, limit: 1_000, on: connection).sorted(by: byChain)
        #expect(streamed.map(\.id) == expected.map(\.id))
        for ((_, ours), (_, full)) in zip(streamed, expected) {
            var trimmed = full
            (trimmed.blockHash, trimmed.txHash, trimmed.eventGeneration, trimmed.orderType) = (.zero, .zero, "unread", .market)
            (trimmed.positionCollateral, trimmed.percentProfit, trimmed.orderID) = (0, 0, 0)
            #expect(ours == trimmed)
        }
        // After a chain position and up to a time.
        let middle = expected[250].fill
        let tail = try repository.streamForLeaderboard(afterChainPosition: (middle.blockNumber, middle.logIndex),
                                                       upTo: expected[400].fill.blockTime, on: connection) { _ in }
        let cutoff = expected[400].fill.blockTime
        #expect(tail > 0 && tail == expected.filter {
            ($0.fill.blockNumber, $0.fill.logIndex) > (middle.blockNumber, middle.logIndex) && $0.fill.blockTime <= cutoff
        }.count)
    }

    /// A consumer that fails mid-stream gets its error, and the connection stays usable.
    @Test func aReplayStoppedMidwayLeavesTheConnectionUsable() throws {
        struct Stop: Error {}
        let connection = try TestDatabase.migrated()
        try connection.transaction { try FillRepository().insert(SampleFills.make(count: 1_000, trader: 4), on: $0) }
        var seen = 0
        #expect(throws: Stop.self) {
            try FillRepository().streamForLeaderboard(batch: 100, on: connection) { _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        #expect(seen == 3)
        #expect(try FillRepository().count(on: connection) == 1_000)
    }

    @Test func aLogStoredTwiceFailsTheWholeBatchAsAUniqueViolation() throws {
        let connection = try TestDatabase.migrated()
        let repository = FillRepository()
        let fills = SampleFills.make(count: 5)
        try connection.transaction { try repository.insert(fills, on: $0) }
        let again = SampleFills.make(count: 6, trader: 1) // the first five collide
        #expect {
            try connection.transaction { try repository.insert(again, on: $0) }
        } throws: { error in
            (error as? PostgresError)?.kind == .uniqueViolation
        }
        #expect(try repository.count(on: connection) == 5)
    }

    @Test func oneHundredThousandRowsLoadInOneCopy() throws {
        let connection = try TestDatabase.migrated()
        let fills = SampleFills.make(count: 100_000, trader: 9)
        let repository = FillRepository()
        #expect(try connection.transaction { try repository.insert(fills, on: $0) } == 100_000)
        #expect(try repository.count(on: connection) == 100_000)
        let sums = try connection.query(
            "SELECT count(DISTINCT tx_hash), sum(price)::text, max(log_index) FROM fills")[0]
        #expect(try sums.decode(0, as: Int.self) == 100_000)
        #expect(try sums.decode(1, as: Int128.self) == fills.reduce(Int128(0)) { $0 + Int128($1.price) })
        #expect(try sums.decode(2, as: Int32.self) == 3)
    }

    @Test func theSchemaRejectsImpossibleValues() throws {
        let connection = try TestDatabase.migrated()
        var fill = SampleFills.make(count: 1)[0]
        fill.collateral = -1
        #expect {
            try FillRepository().insert([fill], on: connection)
        } throws: { error in
            (error as? PostgresError)?.sqlState == "23514" // check_violation
        }
    }
}
