import Foundation

/// One event of an ABI JSON file.
public struct ABIEvent: Sendable, Equatable {
    public var name: String
    public var inputs: [ABIField]
    public var anonymous: Bool
}

/// Reads the events of Solidity ABI JSON, the format compilers and block explorers publish:
/// a bare array of entries, or forge's and hardhat's `{"abi": [...]}`.
public enum ABIJSON {
    /// Why an ABI text cannot be used; `event` and `field` locate it.
    public struct Failure: Error, Sendable, Equatable {
        public var event: String?
        public var field: String?
        public var reason: String
    }

    /// The events of one contract's ABI (`value` parsed from JSON); functions and errors are passed over.
    public static func events(_ value: Any) throws(Failure) -> [ABIEvent] {
        let entries: [Any]
        if let array = value as? [Any] {
            entries = array
        } else if let object = value as? [String: Any], let array = object["abi"] as? [Any] {
            entries = array
        } else {
            throw Failure(reason: #"is neither an ABI array nor an object with an "abi" array"#)
        }
        var events: [ABIEvent] = []
        for entry in entries {
            guard let entry = entry as? [String: Any] else { throw Failure(reason: "has an entry that is not an object") }
            guard entry["type"] as? String == "event" else { continue }
            guard let name = entry["name"] as? String, !name.isEmpty else { throw Failure(reason: "has an event without a name") }
            let inputs = try fields(entry["inputs"] ?? [Any](), event: name, path: "")
            events.append(ABIEvent(name: name, inputs: inputs, anonymous: entry["anonymous"] as? Bool ?? false))
        }
        return events
    }

    /// Parses JSON text; the failure names what is wrong with it.
    public static func parse(_ data: Data) throws(Failure) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw Failure(reason: "is not valid JSON (\(reason))")
        }
    }

    private static func fields(_ value: Any, event: String, path: String) throws(Failure) -> [ABIField] {
        guard let list = value as? [Any] else { throw Failure(event: event, reason: "inputs are not an array") }
        var parsed: [ABIField] = []
        for (position, item) in list.enumerated() {
            guard let item = item as? [String: Any], let typeName = item["type"] as? String else {
                throw Failure(event: event, field: path + "#\(position)", reason: "has no type")
            }
            let name = (item["name"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "#\(position)"
            var components: [ABIField] = []
            if let nested = item["components"] { components = try fields(nested, event: event, path: path + name + ".") }
            guard let type = ABIType.parse(typeName, components: components) else {
                throw Failure(event: event, field: path + name, reason: "has the unknown type \(typeName)")
            }
            parsed.append(ABIField(name, type, indexed: item["indexed"] as? Bool ?? false))
        }
        return parsed
    }
}

extension ABIJSON {
    /// Events as an ABI JSON array, one event a line: what `alfa abi inspect --verify` writes
    /// for `AVANTIS_ABI_DIR`, and what `events(_:)` reads back.
    public static func encode(_ events: [ABIEvent]) -> String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func typeName(_ type: ABIType) -> String {
            switch type {
            case .tuple: "tuple"
            case .fixedArray(.tuple, let count): "tuple[\(count)]"
            default: type.canonicalName
            }
        }
        func components(_ type: ABIType) -> [ABIField]? {
            switch type {
            case .tuple(let fields), .fixedArray(.tuple(let fields), _): fields
            default: nil
            }
        }
        func render(_ field: ABIField, event: Bool) -> String {
            var parts = [#""name": \#(quoted(field.name))"#, #""type": \#(quoted(typeName(field.type)))"#]
            if event { parts.append(#""indexed": \#(field.indexed)"#) }
            if let nested = components(field.type) {
                // Tuple components carry no `indexed`.
                parts.append(#""components": ["# + nested.map { render($0, event: false) }.joined(separator: ", ") + "]")
            }
            return "{" + parts.joined(separator: ", ") + "}"
        }
        let lines = events.map { event in
            #"  {"type": "event", "name": \#(quoted(event.name)), "anonymous": \#(event.anonymous), "inputs": ["#
                + event.inputs.map { render($0, event: true) }.joined(separator: ", ") + "]}"
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }
}
