import AlfaCore
import AlfaSettings
import Foundation
import Logging

/// Bootstraps swift-log once: to stderr, as text or JSON lines, at the configured level.
public enum LogSetup {
    public static func bootstrap(_ settings: Settings.Logging) {
        let level = Logger.Level(rawValue: settings.level.rawValue) ?? .info
        let format = settings.format
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }
}

/// One line per event on stderr: `2026-11-21T09:48:00.123Z info alfa.store: message key=value`
/// or a JSON object with the same fields.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: Settings.LogFormat

    public init(label: String, format: Settings.LogFormat) {
        self.label = label
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            line = "\(time) \(event.level) \(label): \(event.message)\(fields)\n"
        case .json:
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "logger": label,
                                            "message": event.message.description]
            for (key, value) in merged { object[key] = value.description }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
