/// The query parameters of the read-only HTTP API, checked before anything is read: a bad value
/// is a 400 that names the parameter, the value and what is expected.
public struct APIParameterError: Error, Equatable, CustomStringConvertible {
    public let parameter: String
    public let value: String
    public let expected: String

    public init(_ parameter: String, _ value: String, expected: String) {
        self.parameter = parameter
        self.value = value
        self.expected = expected
    }

    public var description: String { "\(parameter)=\"\(value)\" \(expected)" }
}

public enum APIParameters {
    /// Longest value echoed back in an error: a client's garbage is not reflected in full.
    static let echoLimit = 64

    static func shown(_ value: String) -> String {
        value.count > echoLimit ? String(value.prefix(echoLimit)) + "…" : value
    }

    public static func window(_ value: String?, default fallback: TimeWindow = .thirtyDays) throws(APIParameterError) -> TimeWindow {
        guard let value else { return fallback }
        guard let window = TimeWindow(rawValue: value) else {
            throw APIParameterError("window", shown(value), expected: "is not 7d, 30d or all")
        }
        return window
    }

    public static func count(_ name: String, _ value: String?, in range: ClosedRange<Int>, default fallback: Int) throws(APIParameterError) -> Int {
        guard let value else { return fallback }
        guard let number = Int(value), range.contains(number) else {
            throw APIParameterError(name, shown(value), expected: "is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A UTC moment as the CLI takes it: 2026-11-21, 2026-11-21T08:00 or unix seconds.
    public static func moment(_ name: String, _ value: String?) throws(APIParameterError) -> Int64? {
        guard let value else { return nil }
        guard let moment = CivilDate.parseMoment(value) else {
            throw APIParameterError(name, shown(value), expected: "is not a UTC moment (2026-11-21, 2026-11-21T08:00:00Z or unix seconds)")
        }
        return moment
    }

    public static func address(_ value: String) throws(APIParameterError) -> EVMAddress {
        guard let address = EVMAddress(hex: value) else {
            throw APIParameterError("address", shown(value), expected: "is not an address (0x followed by 40 hex digits)")
        }
        return address
    }
}
