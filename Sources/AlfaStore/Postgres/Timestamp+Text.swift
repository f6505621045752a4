import AlfaCore

/// ISO 8601 text for `timestamptz` in UTC, written and parsed by hand so that it is exact
/// and independent of the locale (the session runs with `TimeZone=UTC`, `DateStyle=ISO`).
extension Timestamp {
    static func format(seconds: Int64, micros: Int64) -> String {
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.date(daysSinceEpoch: days)
        let fraction = micros == 0 ? "" : "." + pad(micros, 6)
        return "\(year)-\(pad(month, 2))-\(pad(day, 2)) \(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))\(fraction)+00"
    }

    /// Parses `2024-05-01 12:34:56.123456+00` (the form PostgreSQL prints in UTC).
    public init?(postgresText text: String) {
        let utf8 = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= utf8.count else { return nil }
            var value: Int64 = 0
            for byte in utf8[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard utf8.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < utf8.count, utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                if digits < 6 { micros = micros * 10 + Int64(utf8[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds: Int64 = 0
        if index < utf8.count {
            let sign: Int64 = utf8[index] == UInt8(ascii: "-") ? -1 : 1
            guard let offsetHours = number(index + 1..<index + 3) else { return nil }
            var offsetMinutes: Int64 = 0
            if index + 6 <= utf8.count, utf8[index + 3] == UInt8(ascii: ":") {
                offsetMinutes = number(index + 4..<index + 6) ?? 0
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.init(microsecondsSinceEpoch: seconds * 1_000_000 + micros)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
