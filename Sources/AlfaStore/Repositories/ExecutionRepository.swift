import AlfaCore

/// The persisted execution state (mode, emergency stop, last change) and its history.
/// Every save is announced on `channel`, delivered when the transaction commits.
public struct ExecutionRepository: Sendable {
    public static let channel = "alfa_execution"
    /// Advisory-lock key that serializes start-up and changes across replicas.
    /// Mode changes take it exclusively, in the transaction that writes them; a LIVE submission
    /// holds it shared while on the wire (`holdForSubmission`), on any replica.
    public static let lockKey: Int64 = 0x616c_6661_6d6f_6465  // "alfamode"

    public init() {}

    public func load(on connection: PostgresConnection) throws -> ExecutionState? {
        guard let row = try connection.query(
            "SELECT mode, emergency_stop, changed_by, extract(epoch FROM changed_at)::bigint AS changed_at, reason FROM execution_state WHERE id = 1"
        ).first else { return nil }
        guard let mode = ExecutionMode(rawValue: try row.decode("mode")),
              let actor = ExecutionActor(stored: try row.decode("changed_by"))
        else { throw PostgresError(kind: .decodingFailed, message: "execution_state holds an unknown mode or actor") }
        return ExecutionState(mode: mode, emergencyStop: try row.decode("emergency_stop"), changedBy: actor,
                              changedAt: try row.decode("changed_at"), reason: try row.optional("reason"))
    }

    /// Writes the state, appends it to the history and notifies every replica. Call inside a transaction.
    public func save(_ state: ExecutionState, on connection: PostgresConnection) throws {
        let values: [(any PostgresEncodable)?] = [state.mode.rawValue, state.emergencyStop, state.changedBy.description,
                                                  Timestamp(unixSeconds: state.changedAt), state.reason]
        try connection.query(
            "INSERT INTO execution_state (id, mode, emergency_stop, changed_by, changed_at, reason) VALUES (1, $1, $2, $3, $4, $5) "
                + "ON CONFLICT (id) DO UPDATE SET mode = $1, emergency_stop = $2, changed_by = $3, changed_at = $4, reason = $5",
            values)
        try connection.query(
            "INSERT INTO execution_history (mode, emergency_stop, changed_by, changed_at, reason) VALUES ($1, $2, $3, $4, $5)", values)
        try connection.notify(Self.channel, payload: state.emergencyStop ? "stop" : state.mode.rawValue)
    }

    public func history(limit: Int, on connection: PostgresConnection) throws -> [(mode: String, stop: Bool, by: String, reason: String?)] {
        try connection.query(
            "SELECT mode, emergency_stop, changed_by, reason FROM execution_history ORDER BY id DESC LIMIT $1", [limit]
        ).map { (try $0.decode("mode"), try $0.decode("emergency_stop"), try $0.decode("changed_by"), try $0.optional("reason")) }
    }

    /// A shared hold on `lockKey` for one submission, taken only when no change holds it or
    /// waits for it (never blocks), with the stored state read under it; nil when a change is
    /// under way. Pair with `releaseSubmission` on the same session.
    public func holdForSubmission(on connection: PostgresConnection) throws -> ExecutionState?? {
        guard try connection.query("SELECT pg_try_advisory_lock_shared($1)", [Self.lockKey])[0].decode(0, as: Bool.self) else { return nil }
        return .some(try load(on: connection))
    }

    public func releaseSubmission(on connection: PostgresConnection) throws {
        try connection.query("SELECT pg_advisory_unlock_shared($1)", [Self.lockKey])
    }
}
