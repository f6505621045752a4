import AlfaCore

/// A setting whose value cannot be used. Its description is the one line an operator
/// sees: the variable, the value (`***` for secrets) and what is expected.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    public let name: String
    public let shownValue: String
    public let expected: String

    public init(name: String, value: String, isSecret: Bool, expected: String) {
        self.name = name
        self.shownValue = isSecret ? "***" : value
        self.expected = expected
    }

    public var description: String { "\(name)=\"\(shownValue)\" \(expected)" }
}
