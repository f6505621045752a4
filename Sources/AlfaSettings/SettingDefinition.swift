import AlfaCore

/// One environment variable the service reads: its name, default, whether it is a secret,
/// and the one line that documents it in `env.production.template`.
public struct SettingDefinition: Sendable, Equatable {
    public let name: String
    public let defaultValue: String?
    public let isSecret: Bool
    public let summary: String

    public init(_ name: String, default defaultValue: String? = nil, secret: Bool = false, _ summary: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.isSecret = secret
        self.summary = summary
    }
}

/// A titled group of settings, as laid out in the template and in `alfa config`.
public struct SettingSection: Sendable {
    public let title: String
    public let settings: [SettingDefinition]
}
