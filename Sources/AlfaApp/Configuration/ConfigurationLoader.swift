import AlfaCore
import AlfaSettings
import AlfaSystem
import Configuration
import Foundation
import SystemPackage

/// Reads `Settings` through swift-configuration: real environment variables first,
/// then the `.env` file in the working directory. Secrets are marked as such for the
/// library's access reporting, and never printed by alfa.
public enum ConfigurationLoader {
    public struct Loaded: Sendable {
        public let settings: Settings
        /// Variables that look like ours but that no setting reads.
        public let warnings: [String]
        /// `alfa config`: each setting's effective value, secrets as `***`.
        public let report: String
    }

    /// A problem with the configuration as a whole; the description is one line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            dotEnvPath: String = ".env") async throws(Failure) -> Loaded {
        let secretNames = Set(SettingsCatalog.all.filter(\.isSecret).map(\.name))
        let environmentProvider = EnvironmentVariablesProvider(environmentVariables: environment,
                                                               secretsSpecifier: .specific(secretNames))
        let fileProvider: EnvironmentVariablesProvider
        do {
            fileProvider = try await EnvironmentVariablesProvider(environmentFilePath: FilePath(dotEnvPath), allowMissing: true,
                                                                  secretsSpecifier: .specific(secretNames))
        } catch {
            throw Failure(description: "\(dotEnvPath) cannot be read as KEY=value lines: \(error)")
        }
        let reader = ConfigReader(providers: [environmentProvider, fileProvider])
        let lookup = { (name: String) in
            reader.string(forKey: ConfigKey([name]), isSecret: secretNames.contains(name))
        }
        let settings: Settings
        do {
            settings = try Settings(lookup: lookup)
        } catch {
            throw Failure(description: error.description)
        }
        let ownEnvironmentNames = environment.keys.filter { name in
            SettingsCatalog.ownPrefixes.contains { name.hasPrefix($0) }
        }
        let names = (try? await BlockingWorker.once("alfa-dotenv") { dotEnvNames(at: dotEnvPath) }) ?? []
        let warnings = SettingsCatalog.unknownNameWarnings(names, source: dotEnvPath)
            + SettingsCatalog.unknownNameWarnings(ownEnvironmentNames, source: "the environment")
        return Loaded(settings: settings, warnings: warnings, report: Settings.renderEffective(lookup: lookup))
    }

    /// The variable names a `.env` file sets (values are left to the provider).
    static func dotEnvNames(at path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            var entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.hasPrefix("#"), let equals = entry.firstIndex(of: "=") else { return nil }
            entry = String(entry[..<equals]).trimmingCharacters(in: .whitespaces)
            if entry.hasPrefix("export ") { entry = String(entry.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            return entry.isEmpty ? nil : entry
        }
    }
}
