import AlfaCore
import Foundation

/// Avantis ABI JSON: the built-in files (one per generation, grouped by contract) and the
/// operator's files (one per contract) turned into event definitions.
public enum AvantisABI {
    /// An ABI file alfa cannot use: one line naming the file, the event and the field.
    public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var event: String?
        public var field: String?
        public var reason: String

        public var description: String {
            var subject = file
            if let event { subject += ": event \(event)" }
            if let field { subject += ", field \(field)" }
            return "AVANTIS_ABI_DIR \(subject) \(reason)"
        }
    }

    /// A built-in file's events by watched contract; other contracts' are passed over.
    static func contracts(_ data: Data) throws -> [(AvantisContract, [ABIEvent])] {
        guard let object = try ABIJSON.parse(data) as? [String: Any] else { throw ABIJSON.Failure(reason: "is not grouped by contract") }
        return try AvantisContract.allCases.compactMap { contract in
            try object[contract.rawValue].map { (contract, try ABIJSON.events($0)) }
        }
    }

    /// The events of one contract's ABI file, each checked against what its role needs.
    public static func definitions(_ data: Data, contract: AvantisContract, file: String,
                            generation: EventGeneration) throws(FileError) -> [AvantisEventDefinition] {
        let events: [ABIEvent]
        var label = generation
        do {
            let value = try ABIJSON.parse(data)
            if let object = value as? [String: Any], let given = object["generation"] {
                guard let text = given as? String, let parsed = EventGeneration(text) else {
                    throw FileError(file: file, reason: #"has a "generation" that is not a label of 1 to 8 characters"#)
                }
                label = parsed
            }
            events = try ABIJSON.events(value)
        } catch let failure as ABIJSON.Failure {
            throw FileError(file: file, event: failure.event, field: failure.field, reason: failure.reason)
        } catch let failure as FileError {
            throw failure
        } catch {
            throw FileError(file: file, reason: "\(error)")
        }
        var definitions: [AvantisEventDefinition] = []
        for event in events where !event.anonymous {
            do {
                definitions.append(try AvantisEventDefinition(event, contract: contract, generation: label, source: file))
            } catch {
                throw FileError(file: file, event: event.name, field: error.field, reason: error.reason)
            }
        }
        return definitions
    }
}
