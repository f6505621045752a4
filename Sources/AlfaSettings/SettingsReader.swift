import AlfaCore

/// Reads raw strings through a lookup (environment, `.env`) and turns them into typed
/// values, failing with a `SettingsError` that names the variable. It remembers which
/// names it read, so a test can prove the catalog and the code agree.
public struct SettingsReader {
    private let lookup: (String) -> String?
    public private(set) var namesRead: Set<String> = []

    public init(lookup: @escaping (String) -> String?) {
        self.lookup = lookup
    }

    /// The raw value, or the catalog default; empty counts as unset.
    mutating func raw(_ name: String) -> (value: String?, definition: SettingDefinition) {
        guard let definition = SettingsCatalog.definition(named: name) else {
            preconditionFailure("setting \(name) is read but missing from SettingsCatalog")
        }
        namesRead.insert(name)
        let given = lookup(name).map { String($0.trimmingWhitespace()) }
        if let given, !given.isEmpty { return (given, definition) }
        return (definition.defaultValue, definition)
    }

    private func failure(_ definition: SettingDefinition, _ value: String, _ expected: String) -> SettingsError {
        SettingsError(name: definition.name, value: value, isSecret: definition.isSecret, expected: expected)
    }

    mutating func optionalString(_ name: String) -> String? {
        raw(name).value
    }

    mutating func string(_ name: String) -> String {
        raw(name).value ?? ""
    }

    mutating func secret(_ name: String) -> Secret? {
        raw(name).value.map(Secret.init)
    }

    mutating func optionalInt(_ name: String, in range: ClosedRange<Int64>) throws(SettingsError) -> Int64? {
        let (value, definition) = raw(name)
        guard let value else { return nil }
        guard let number = Int64(value), range.contains(number) else {
            throw failure(definition, value, "is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    mutating func int(_ name: String, in range: ClosedRange<Int64>) throws(SettingsError) -> Int64 {
        guard let number = try optionalInt(name, in: range) else {
            throw SettingsError(name: name, value: "", isSecret: false, expected: "is required")
        }
        return number
    }

    mutating func optionalDecimal(_ name: String, scale: Int, in range: ClosedRange<Int64>) throws(SettingsError) -> Int64? {
        let (value, definition) = raw(name)
        guard let value else { return nil }
        guard let number = FixedPoint.parse(value, scale: scale), range.contains(number) else {
            let low = FixedPoint.format(range.lowerBound, scale: scale)
            let high = FixedPoint.format(range.upperBound, scale: scale)
            throw failure(definition, value, "is not a number from \(low) to \(high) with at most \(scale) decimals")
        }
        return number
    }

    mutating func decimal(_ name: String, scale: Int, in range: ClosedRange<Int64>) throws(SettingsError) -> Int64 {
        guard let number = try optionalDecimal(name, scale: scale, in: range) else {
            throw SettingsError(name: name, value: "", isSecret: false, expected: "is required")
        }
        return number
    }

    mutating func double(_ name: String, in range: ClosedRange<Double>) throws(SettingsError) -> Double {
        let (value, definition) = raw(name)
        guard let value, let number = Double(value), number.isFinite, range.contains(number) else {
            throw failure(definition, value ?? "", "is not a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    mutating func bool(_ name: String) throws(SettingsError) -> Bool {
        let (value, definition) = raw(name)
        switch value?.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off", nil: return false
        default: throw failure(definition, value ?? "", "is not true or false")
        }
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws(SettingsError) -> T
    where T.RawValue == String {
        let (value, definition) = raw(name)
        let options = T.allCases.map(\.rawValue)
        guard let value, let choice = T(rawValue: value) else {
            throw failure(definition, value ?? "", "is not one of \(options.joined(separator: ", "))")
        }
        return choice
    }

    mutating func address(_ name: String) throws(SettingsError) -> EVMAddress {
        let (value, definition) = raw(name)
        guard let value, let address = EVMAddress(hex: value) else {
            throw failure(definition, value ?? "", "is not an address (0x followed by 40 hex digits)")
        }
        return address
    }

    mutating func optionalAddress(_ name: String) throws(SettingsError) -> EVMAddress? {
        let (value, definition) = raw(name)
        guard let value, !value.isEmpty else { return nil }
        guard let address = EVMAddress(hex: value) else {
            throw failure(definition, value, "is not an address (0x followed by 40 hex digits)")
        }
        return address
    }

    mutating func optionalMoment(_ name: String) throws(SettingsError) -> Int64? {
        let (value, definition) = raw(name)
        guard let value, !value.isEmpty else { return nil }
        guard let moment = CivilDate.parseMoment(value) else {
            throw failure(definition, value, "is not a UTC moment (2026-11-21, 2026-11-21T08:00 or unix seconds)")
        }
        return moment
    }

    mutating func addresses(_ name: String) throws(SettingsError) -> [EVMAddress] {
        let (value, definition) = raw(name)
        return try Self.list(value).map { item throws(SettingsError) in
            guard let address = EVMAddress(hex: item) else {
                throw failure(definition, value ?? "", "has \"\(item)\", which is not an address (0x followed by 40 hex digits)")
            }
            return address
        }
    }

    mutating func ids(_ name: String) throws(SettingsError) -> [Int64] {
        let (value, definition) = raw(name)
        return try Self.list(value).map { item throws(SettingsError) in
            guard let id = Int64(item) else {
                throw failure(definition, value ?? "", "has \"\(item)\", which is not a numeric Telegram id")
            }
            return id
        }
    }

    mutating func urls(_ name: String, schemes: [String]) throws(SettingsError) -> [Secret] {
        let (value, definition) = raw(name)
        return try Self.list(value).map { item throws(SettingsError) in
            guard Self.hasScheme(item, schemes) else {
                // The URL may carry an API key: name the scheme rule, not the value.
                throw failure(definition, value ?? "", "has an entry that is not a \(schemes.joined(separator: " or ")) URL")
            }
            return Secret(item)
        }
    }

    mutating func optionalURL(_ name: String, schemes: [String]) throws(SettingsError) -> String? {
        guard let value = raw(name).value, !value.isEmpty else { return nil }
        return try url(name, schemes: schemes)
    }

    mutating func url(_ name: String, schemes: [String]) throws(SettingsError) -> String {
        let (value, definition) = raw(name)
        guard let value, Self.hasScheme(value, schemes) else {
            throw failure(definition, value ?? "", "is not a \(schemes.joined(separator: " or ")) URL")
        }
        return value
    }

    /// `HOST:PORT`, `[IPv6]:PORT`; unlike the others, set but empty means off, not the default.
    mutating func listenAddress(_ name: String) throws(SettingsError) -> Settings.HTTP.Listen? {
        let given = lookup(name).map { String($0.trimmingWhitespace()) }
        if given == "" || given?.lowercased() == "off" {
            namesRead.insert(name)
            return nil
        }
        let (value, definition) = raw(name)
        guard let value, let listen = Settings.HTTP.Listen(value) else {
            throw failure(definition, value ?? "", "is not HOST:PORT (127.0.0.1:9464, [::1]:9464 or 0.0.0.0:9464; port 0 to 65535), or empty for no listener")
        }
        return listen
    }

    mutating func optionalBool(_ name: String) throws(SettingsError) -> Bool? {
        raw(name).value == nil ? nil : try bool(name)
    }

    static func hasScheme(_ text: String, _ schemes: [String]) -> Bool {
        schemes.contains { text.lowercased().hasPrefix($0 + "://") && text.count > $0.count + 3 }
    }

    private static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { String($0.trimmingWhitespace()) }.filter { !$0.isEmpty }
    }
}
