import AlfaCore
import Testing

@Suite("Moments typed by operators (export and report filters)")
struct MomentTests {
    static let november21: Int64 = 1_795_219_200
    static let accepted: [(String, Int64)] = [
        ("1795219200", november21), ("2026-11-21", november21), ("2026-11-21T08:00", november21 + 28_800),
        ("2026-11-21 08:00:30", november21 + 28_830), ("2026-11-21T23:59:59Z", november21 + 86_399),
        ("2024-02-29", 1_709_164_800), ("1970-01-01", 0), ("253402300799", 253_402_300_799), ("9999-12-31T23:59:59", 253_402_300_799),
    ]

    @Test(arguments: accepted)
    func momentsInEveryAcceptedSpelling(text: String, expected: Int64) {
        #expect(CivilDate.parseMoment(text) == expected)
    }

    @Test(arguments: ["", "yesterday", "2026-11", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-21T24:00", "2026-11-21T08",
                      "2026-11-21T08:60", "26-11-21", "-5", "+5", "+026-11-21",
                      "2026-11-21T+8:00", "2026-11-21T08:00:00+02:00",
                      // Past year 9999 (schemathesis sent 18 digits of seconds: microseconds overflowed).
                      "253402300800", "999999999999999999"])
    func anythingElseIsRefused(text: String) {
        #expect(CivilDate.parseMoment(text) == nil)
    }
}
