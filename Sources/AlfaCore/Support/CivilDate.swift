/// Proleptic Gregorian dates from days since 1970-01-01 and back (Howard Hinnant's
/// civil-from-days and days-from-civil), so timestamps print without Foundation's formatters.
public enum CivilDate {
    public static func date(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2026-11-21T10:00:00Z` from unix seconds.
    public static func isoTime(unixSeconds seconds: Int64) -> String {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = date(daysSinceEpoch: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (times before 1970 fall on the right day).
    public func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension CivilDate {
    /// A moment typed by an operator: unix seconds, `2026-11-21`, `2026-11-21T08:00`,
    /// `2026-11-21 08:00:30` or with a trailing `Z` — always UTC. Nil when it is none of these.
    public static func parseMoment(_ text: String) -> Int64? {
        // Digits only: Int64("+5") would accept a sign.
        func number(_ field: Substring, digits: ClosedRange<Int>) -> Int64? {
            digits.contains(field.count) && field.allSatisfy(\.isASCIIDigit) ? Int64(field) : nil
        }
        // Up to 9999-12-31T23:59:59Z: beyond it no date reads back, and microseconds overflow.
        if let seconds = number(Substring(text), digits: 1...18) { return seconds <= 253_402_300_799 ? seconds : nil }
        var text = Substring(text)
        if text.hasSuffix("Z") { text = text.dropLast() }
        let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard date.count == 3, let year = number(date[0], digits: 4...4), let month = number(date[1], digits: 2...2),
              let day = number(date[2], digits: 2...2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        guard self.date(daysSinceEpoch: days) == (year, month, day) else { return nil }  // 2026-02-30
        var seconds: Int64 = 0
        if parts.count == 2 {
            let time = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { number($0, digits: 2...2) }
            guard (2...3).contains(time.count), let hour = time[0], let minute = time[1], let second = time.count == 3 ? time[2] : 0,
                  hour < 24, minute < 60, second < 60 else { return nil }
            seconds = hour * 3_600 + minute * 60 + second
        }
        return days * 86_400 + seconds
    }
}
