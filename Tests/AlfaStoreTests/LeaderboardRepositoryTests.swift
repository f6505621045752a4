import AlfaCore
import AlfaStore
import AlfaTestSupport
import Testing

@Suite("Leaderboard snapshots (real server)", .postgres)
struct LeaderboardRepositoryTests {
    private func metrics(_ trader: UInt8, pnl: Int64, window: TimeWindow) -> TraderMetrics {
        TraderMetrics(
            trader: EVMAddress(bytes: [UInt8](repeating: trader, count: 20))!, window: window, cleanPnL: pnl, grossPnL: pnl + 5,
            fees: 5, closes: 12, trades: 10, wins: 7, volume: 123_456_789, profitFactor: trader % 2 == 0 ? 2.5 : nil,
            expectancy: pnl / 10, maxDrawdown: 42, maxDrawdownPct: 0.125, peakCollateral: 1_000, returnOnPeakCollateral: Double(pnl) / 1_000,
            sharpe: 0.3, probabilisticSharpe: 0.91, averageLeverage: 12.5, maxLeverage: 50, liquidations: 1,
            medianHoldSeconds: trader % 2 == 0 ? 3_600 : nil, shortHoldShare: 0.1, activeDays: 9, activeWeeks: 3, positiveWeeks: 2,
            lastTradeTime: 1_763_700_000, payoutMismatches: 0, validUntil: nil)
    }

    @Test func aSnapshotRoundTripsAndOnlyTheNewestAreKept() throws {
        let connection = try TestDatabase.migrated()
        let repository = LeaderboardRepository(keep: 2)
        var rows: [TimeWindow: [LeaderboardRow]] = [:]
        for window in TimeWindow.allCases {
            rows[window] = (1...60).map { LeaderboardRow(rank: $0, score: 100 - Double($0) / 3, metrics: metrics(UInt8($0), pnl: Int64(1_000 - $0), window: window)) }
        }
        var last: Int64 = 0
        for round in 0..<3 {
            let snapshot = LeaderboardSnapshot(asOf: 1_763_700_000 + Int64(round), traders: 80, eligible: 60, rows: rows)
            last = try repository.save(snapshot, lastFillID: 999, computeMilliseconds: 12.5, on: connection)
        }
        let info = try #require(try repository.latest(on: connection))
        #expect(info.id == last && info.asOf == 1_763_700_002 && info.eligible == 60 && info.traders == 80 && info.lastFillID == 999)
        #expect(try connection.query("SELECT count(*) FROM leaderboard_snapshots")[0].decode(0, as: Int.self) == 2)
        let top = try repository.top(50, window: .sevenDays, snapshot: info.id, on: connection)
        #expect(top.count == 50)
        #expect(top == Array(rows[.sevenDays]!.prefix(50)))
        let one = try repository.row(of: EVMAddress(bytes: [UInt8](repeating: 7, count: 20))!, window: .all, snapshot: info.id, on: connection)
        #expect(one?.rank == 7)
    }

    @Test func fillsAreReadBackAfterACursorInInsertionOrder() throws {
        let connection = try TestDatabase.migrated()
        let fills = SampleFills.make(count: 30)
        try FillRepository().insert(fills, on: connection)
        let first = try FillRepository().fills(after: 0, limit: 10, on: connection)
        #expect(first.map(\.fill) == Array(fills.prefix(10)))
        let rest = try FillRepository().fills(after: first.last!.id, limit: 100, on: connection)
        #expect(rest.map(\.fill) == Array(fills.dropFirst(10)))
        let early = try FillRepository().fills(after: 0, limit: 100, upTo: fills[4].blockTime, on: connection)
        #expect(early.count == 5)
        let watermark = try FillRepository().watermark(on: connection)
        #expect(watermark.count == 30 && watermark.maxID == rest.last!.id)
    }
}
