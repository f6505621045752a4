@testable import AlfaCore
import Testing

@Suite("Reports: schedule and rendering")
struct PerformanceReportTests {
    // 2026-11-21 00:00:00 UTC.
    static let midnight: Int64 = 1_795_219_200

    @Test func theDailyReportIsDueAtTheHourAndSentLateOnlyWithinTwelveHours() {
        let schedule = ReportSchedule(hourUTC: 8)
        let eight = Self.midnight + 8 * 3_600
        #expect(schedule.lastDue(atOrBefore: eight) == eight)
        #expect(schedule.lastDue(atOrBefore: eight - 1) == eight - 86_400)
        #expect(schedule.lastDue(atOrBefore: eight + 5 * 3_600) == eight)
        #expect(schedule.nextDue(after: eight) == eight + 86_400)
        #expect(schedule.nextDue(after: eight - 1) == eight)
        #expect(schedule.isFresh(eight, now: eight + 12 * 3_600))
        #expect(!schedule.isFresh(eight, now: eight + 12 * 3_600 + 1))
        #expect(ReportSchedule(hourUTC: 0).lastDue(atOrBefore: Self.midnight + 1) == Self.midnight)
    }

    static func report(orders: [CopyOrder] = [], events: [PerformanceReport.BreakerEvent] = [],
                       changes: [PerformanceReport.LeaderChange] = [], stop: Bool = false) -> PerformanceReport {
        PerformanceReport(
            period: .weekly, from: midnight - 7 * 86_400, to: midnight,
            mode: ExecutionState(mode: .dry, emergencyStop: stop, changedBy: .environment, changedAt: midnight, reason: nil),
            performance: CopyPerformance(orders: orders, openPositions: 1), drawdown: "drawdown 2.0 % from peak (worst 3.5 %, maximum 15.0 %)",
            breakerEvents: events, leaderChanges: changes, leadersCopied: 5,
            indexer: .init(fillsIndexed: 1_234, lastBlock: 900, lagBlocks: 2, unknownTopics: 3, lastError: nil))
    }

    @Test func aQuietWeekSaysSo() {
        let text = TelegramHTML.plainText(Self.report().html)
        #expect(text.hasPrefix("Weekly report · 2026-11-14 00:00 UTC → 2026-11-21 00:00 UTC"))
        #expect(text.contains("Mode now: DRY"))
        #expect(text.contains("Win rate — over 0 closed trade(s) · no drawdown: no closed trade"))
        #expect(text.contains("Signals 0 → orders 0 → fills 0"))
        #expect(text.contains("No trip or reset."))
        #expect(text.contains("5 copied now.") && text.contains("No leader added or removed."))
        #expect(text.contains("1234 fill(s) indexed · through block 900 · 2 block(s) behind the head · 3 log(s) with unknown topics kept raw"))
    }

    @Test func aBusyWeekShowsPnLConversionBreakersAndLeaders() {
        let leader = EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!
        func order(_ id: Int64, _ action: CopyOrder.Action, _ status: CopyOrder.Status, net: Int64 = 0) -> CopyOrder {
            CopyOrder(id: id, leaderFillID: id, leader: leader, leaderKind: action == .open ? .open : .close, leaderPrice: 1,
                      leaderTime: Self.midnight - 100, action: action, mode: .dry, status: status, reason: nil, pairIndex: 1, isLong: true,
                      collateral: 100_000_000, leverage: 100_000_000_000, positionOrderID: nil, tradeIndex: nil, nonce: nil,
                      txHash: nil, keeperOrderID: nil, fillPrice: nil, fillCollateral: nil, fee: 600_000, netPnL: net, grossPnL: net, gasUSDC: 0,
                      createdAt: Self.midnight - 100, completedAt: Self.midnight - 90)
        }
        let orders = [order(1, .open, .filled), order(2, .close, .filled, net: 12_500_000), order(3, .open, .filled),
                      order(4, .close, .filled, net: -2_000_000), order(5, .skip, .skipped), order(6, .open, .failed)]
        let events = [PerformanceReport.BreakerEvent(breaker: "win_rate", event: "trip", actor: "breaker win_rate",
                                                     detail: "win rate 35.0 % < 40.0 %", at: Self.midnight - 3_600),
                      .init(breaker: "win_rate", event: "reset", actor: "admin 7", detail: "reset while open", at: Self.midnight - 1_800)]
        let changes = [PerformanceReport.LeaderChange(leader: leader, added: true, by: "admin 7", at: Self.midnight - 60),
                       .init(leader: EVMAddress(hex: "0x00000000000000000000000000000000000000b2")!, added: false, by: "leaderboard top 5", at: Self.midnight - 30)]
        let text = TelegramHTML.plainText(Self.report(orders: orders, events: events, changes: changes, stop: true).html)
        #expect(text.contains("Mode now: DRY, emergency stop engaged"))
        #expect(text.contains("Clean PnL: +10.50 USDC (fees 3.00 included)"), "\(text)")
        #expect(text.contains("Open now: not valued"), "\(text)")
        var valued = Self.report(orders: orders, events: events, changes: changes, stop: true)
        let position = MirroredPosition(openOrderID: 3, pairIndex: 1, isLong: true, entryPrice: 650_000_000_000_000, leverage: 100_000_000_000,
                                        remainingCollateral: 100_000_000, remainingOpeningFee: 0)
        valued.open = OpenPositionsReport([position], marks: [1: Mark(price: 617_500_000_000_000, source: .pyth, publishedAt: Self.midnight)],
                                          now: Self.midnight, maxAge: 60)
        #expect(TelegramHTML.plainText(valued.html).contains("Open now: 1 position(s), unrealized -50.00 USDC · equity PnL -39.50 USDC"))
        #expect(text.contains("Win rate 50 % over 2 closed trade(s) · drawdown 2.0 % from peak"))
        #expect(text.contains("Signals 6 → orders 5 → fills 4 (skipped 1, failed 1, in flight 0)"))
        #expect(text.contains("2026-11-20 23:00 UTC: win_rate tripped by breaker win_rate — win rate 35.0 % < 40.0 %"))
        #expect(text.contains("2026-11-20 23:30 UTC: win_rate reset by admin 7"))
        #expect(text.contains("Added: \(leader) (admin 7)"))
        #expect(text.contains("Removed: 0x00000000000000000000000000000000000000b2 (leaderboard top 5)"))
    }
}

@Suite("Database advice")
struct DatabaseAdviceTests {
    typealias T = DatabaseAdvice.Table
    typealias I = DatabaseAdvice.Index

    @Test func unusedIndexesScannedTablesAndBloatAreNamedUniqueIndexesNever() {
        let advice = DatabaseAdvice.advice(
            tables: [T(name: "fills", totalBytes: 1 << 30, indexBytes: 1 << 28, liveRows: 5_000_000, deadRows: 10, sequentialScans: 900, indexScans: 20),
                     T(name: "copy_orders", totalBytes: 1 << 20, indexBytes: 1 << 16, liveRows: 2_000, deadRows: 5_000, sequentialScans: 5, indexScans: 90),
                     T(name: "small", totalBytes: 8_192, indexBytes: 0, liveRows: 10, deadRows: 0, sequentialScans: 10_000, indexScans: 0)],
            indexes: [I(name: "fills_trader", table: "fills", bytes: 1 << 24, scans: 0, enforcesUniqueness: false),
                      I(name: "fills_pkey", table: "fills", bytes: 1 << 24, scans: 0, enforcesUniqueness: true),
                      I(name: "fills_time", table: "fills", bytes: 1 << 24, scans: 4, enforcesUniqueness: false)])
        #expect(advice.count == 3, "\(advice)")
        #expect(advice[0].hasPrefix("index fills_trader on fills (16.0 MB) has not been used") && advice[0].contains("DROP INDEX fills_trader"))
        #expect(advice[1].hasPrefix("fills (5000000 rows) was read by 900 sequential scans against 20 index scans"))
        #expect(advice[2].hasPrefix("copy_orders has 5000 dead rows for 2000 live ones"))
        #expect(DatabaseAdvice.advice(tables: [], indexes: []).first?.hasPrefix("nothing to change") == true)
    }

    @Test func partitionsAreListedByMonthWithTheDefaultLastAndItsWaitingFillsNamed() {
        typealias P = DatabaseAdvice.Partition
        let lines = DatabaseAdvice.partitions([
            P(name: "fills_default", bounds: "DEFAULT", rows: 12, totalBytes: 16_384),
            P(name: "fills_2026_09", bounds: "FOR VALUES FROM ('2026-09-01 00:00:00+00') TO ('2026-10-01 00:00:00+00')", rows: 900, totalBytes: 1 << 20),
            P(name: "fills_2026_08", bounds: "FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00')", rows: 2_000_000, totalBytes: 1 << 30),
        ], created: 1)
        #expect(lines[0] == "fills by month: 2 partitions (1 created now, for months ahead)")
        #expect(lines.count == 6)
        #expect(lines[2].hasPrefix("fills_2026_08") && lines[2].hasSuffix("1.0 GB"))
        #expect(lines[3].hasPrefix("fills_2026_09") && lines[4].hasPrefix("fills_default"))
        #expect(lines[5].hasPrefix("12 fills wait in fills_default"))
        let quiet = DatabaseAdvice.partitions([P(name: "fills_default", bounds: "DEFAULT", rows: 0, totalBytes: 8_192)], created: 0)
        #expect(quiet.count == 3 && quiet[0] == "fills by month: 0 partitions")
    }

    @Test func sizesAreListedLargestFirstInReadableUnits() {
        let lines = DatabaseAdvice.sizes([T(name: "a", totalBytes: 512, indexBytes: 0, liveRows: 1, deadRows: 0, sequentialScans: 0, indexScans: 0),
                                          T(name: "fills", totalBytes: 3 * 1_073_741_824 / 2, indexBytes: 1_536, liveRows: 9, deadRows: 0,
                                            sequentialScans: 0, indexScans: 0)])
        #expect(lines.count == 3 && lines[1].hasPrefix("fills") && lines[1].contains("1.5 GB") && lines[1].contains("1.5 kB"))
        #expect(lines[2].contains("512 B"))
    }
}
