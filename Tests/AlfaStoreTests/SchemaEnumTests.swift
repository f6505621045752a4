import AlfaCore
import AlfaStore
import AlfaTestSupport
import Testing

/// The code's enums are the one list of each kind of value; the schema's CHECK constraints are
/// held to them here, so a case added in one place and not the other fails a test, not a write.
@Suite("Schema value lists equal the code's (real server)", .postgres)
struct SchemaEnumTests {
    /// The values a column's CHECK (column IN (…)) constraint allows.
    static func allowed(_ table: String, _ column: String, on connection: PostgresConnection) throws -> Set<String> {
        let definitions: [String] = try connection.query(
            "SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'c'",
            [table]).map { try $0.decode("definition") }
        let definition = try #require(definitions.first { $0.contains("(\(column) = ANY") || $0.contains("(\(column))::text = ANY") },
                                      "no CHECK on \(table).\(column) in \(definitions)")
        // CHECK ((status = ANY (ARRAY['intent'::text, 'signed'::text, …])))
        return Set(definition.split(separator: "'").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
    }

    @Test func copyOrderStatusesActionsAndModes() throws {
        let connection = try TestDatabase.migrated()
        #expect(try Self.allowed("copy_orders", "status", on: connection) == Set(CopyOrder.Status.allCases.map(\.rawValue)))
        #expect(try Self.allowed("copy_orders", "action", on: connection) == Set(CopyOrder.Action.allCases.map(\.rawValue)))
        #expect(try Self.allowed("copy_orders", "mode", on: connection) == Set(ExecutionMode.allCases.map(\.rawValue)))
        #expect(try Self.allowed("execution_state", "mode", on: connection) == Set(ExecutionMode.allCases.map(\.rawValue)))
    }

    @Test func fillKinds() throws {
        let connection = try TestDatabase.migrated()
        #expect(try Self.allowed("fills", "kind", on: connection) == Set(FillKind.allCases.map(\.rawValue)))
    }
}
