import AlfaCore
import AlfaStore
import Synchronization

/// The emergency stop across replicas, as the database orders it. Each LIVE submission holds
/// the mode lock shared while it is on the wire and checks the stored state under it; a mode
/// change takes the lock exclusively in the transaction that writes it (`ModeManager.apply`).
/// So a stop commits only once every replica's submissions in flight were answered, and none
/// starts after it commits, even on a replica its NOTIFY has not reached yet.
final class StopBarrier: Sendable {
    private let url: String
    /// Its session holds the shared locks; opened at the first LIVE submission, closed with the executor.
    private let session = Mutex<DedicatedConnection?>(nil)
    private let repository = ExecutionRepository()
    /// How long a submission waits for a change under way (a stop waits for those on the wire).
    private let patience: Duration
    private let clock: ServiceClock

    init(url: String, patience: Duration = .seconds(15), clock: ServiceClock = .continuous) {
        self.url = url
        self.patience = patience
        self.clock = clock
    }

    private var connection: DedicatedConnection {
        session.withLock { session in
            if let session { return session }
            let opened = DedicatedConnection(url: url, name: "alfa-stop-barrier")
            session = opened
            return opened
        }
    }

    /// Whether `order` may go on the wire now; when true, `leave()` once the relayer answered.
    /// The lock is only ever tried (a blocked wait would hold up the `leave()` of others on this
    /// session), again every 20 ms while a change is under way.
    func enter(_ order: CopyOrder) async -> Bool {
        let (repository, connection) = (self.repository, self.connection)
        let deadline = clock.now + patience
        while clock.now < deadline {
            let held: ExecutionState??
            do {
                held = try await connection.run { try repository.holdForSubmission(on: $0) }
            } catch {
                return false  // the database is away: nothing goes on the wire without the check
            }
            if case .some(let stored) = held {
                // No stored state yet: the environment's, which this process's gate already applied.
                let allowed = stored.map { order.mode == .live ? $0.mayTradeLive : $0.maySimulate } ?? true
                if !allowed { await leave() }
                return allowed
            }
            try? await clock.sleep(for: .milliseconds(20))
        }
        return false
    }

    func leave() async {
        let repository = self.repository
        // Only the session that holds it: a closed one lost its holds with it, and opening
        // another just to release nothing would leave a connection behind.
        guard let held = session.withLock({ $0 }) else { return }
        _ = try? await held.run { try repository.releaseSubmission(on: $0) }
    }

    /// Closes the session (its holds go with it); the next `enter` opens another.
    func close() async {
        await session.withLock { session in defer { session = nil }; return session }?.close()
    }
}
