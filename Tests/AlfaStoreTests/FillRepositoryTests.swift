import AlfaCore
import AlfaStore
import Testing

@Suite("Fill repository (real server)")
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
