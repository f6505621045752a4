import AlfaStore
import Synchronization

/// The epoch this replica holds a singleton's lease with, while it holds it. Writes that only
/// the holder may make carry it, and the database refuses them once another replica took the
/// lease over (`LeaseRepository.check`): a holder frozen past its lock cannot write.
public final class Lease: Sendable {
    public let name: String
    private let held = Mutex<Int64?>(nil)
    /// When this replica last heard the database answer about the lock (holding or not).
    private let answeredAt = Mutex<ContinuousClock.Instant?>(nil)

    public init(name: String) { self.name = name }

    /// The epoch held now; throws when this replica does not hold the lease.
    public func epoch() throws -> Int64 {
        guard let epoch = held.withLock({ $0 }) else { throw LeaseRepository.Stale(name: name, epoch: 0) }
        return epoch
    }

    /// Throws unless the database still knows this replica's epoch as the lease's. Call inside
    /// the transaction of the writes it guards.
    public func check(on connection: PostgresConnection) throws {
        try LeaseRepository().check(name, epoch: try epoch(), on: connection)
    }

    /// Whether this replica runs the singleton now.
    public var isHeld: Bool { held.withLock { $0 != nil } }

    /// Holding it, or standing by with a lock connection that answered within `within`: a
    /// replica that can take over. nil while it has not asked yet (starting).
    public func isHealthy(within: Duration, now: ContinuousClock.Instant = .now) -> Bool? {
        if isHeld { return true }
        return answeredAt.withLock { $0 }.map { now - $0 <= within }
    }

    func answered() { answeredAt.withLock { $0 = .now } }

    func hold(_ epoch: Int64?) { held.withLock { $0 = epoch } }
}
