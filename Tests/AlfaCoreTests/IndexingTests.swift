@testable import AlfaCore
import Testing

@Suite("Indexing helpers: page size, progress, times")
struct IndexingTests {
    @Test func pageSizeShrinksOnRefusalAndGrowsBackAfterSuccesses() {
        var page = AdaptivePageSize(start: 2000, successesBeforeGrowth: 3)
        let splits = [page.refused(span: 2000), page.refused(span: 1000)]
        #expect(splits == [true, true] && page.current == 500)
        for _ in 0..<3 { page.succeeded() }
        #expect(page.current == 1000)
        for _ in 0..<9 { page.succeeded() }
        #expect(page.current == 2000)
        var single = AdaptivePageSize(start: 1)
        let splitSingle = single.refused(span: 1)
        #expect(!splitSingle)
    }

    @Test func progressLinesGiveRatesAndTimeLeft() {
        var meter = ProgressMeter(startBlock: 1_000, startTime: 100)
        meter.add(fills: 500)
        // 4,000 blocks and 500 fills in 10 s, 8,000 blocks to go at 400 blocks/s.
        #expect(meter.line(current: 5_000, target: 13_000, now: 110)
            == "backfill at block 5000 of 13000: 400 blocks/s, 50 fills/s, 8000 blocks left, ETA 20s")
        #expect(meter.line(current: 1_000, target: 2_000, now: 110).hasSuffix("ETA unknown"))
        // A parallel backfill says how many pages are in flight.
        #expect(meter.line(current: 5_000, target: 13_000, now: 110, inFlight: 8)
            == "backfill at block 5000 of 13000: 400 blocks/s, 50 fills/s, 8 pages in flight, 8000 blocks left, ETA 20s")
        #expect(ProgressMeter.duration(3_725) == "1h2m" && ProgressMeter.duration(125) == "2m5s")
    }

    @Test func isoTimesAreExactBeforeAndAfterTheEpoch() {
        #expect(CivilDate.isoTime(unixSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(CivilDate.isoTime(unixSeconds: 1_800_000_000) == "2027-01-15T08:00:00Z")
        #expect(CivilDate.isoTime(unixSeconds: -1) == "1969-12-31T23:59:59Z")
        #expect(CivilDate.isoTime(unixSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
    }
}
