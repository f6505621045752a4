import AlfaCore

/// Fenced leases of the singletons (the copy executor, the indexer, the Telegram poller). A
/// replica that takes a singleton's advisory lock takes the next epoch; writes that must come
/// from the holder only carry their epoch and are refused by the database once it is stale.
public struct LeaseRepository: Sendable {
    public init() {}

    /// The lease's epoch was taken over by another replica: stop writing.
    public struct Stale: Error, Sendable, Equatable, CustomStringConvertible {
        public let name: String
        public let epoch: Int64

        public init(name: String, epoch: Int64) {
            self.name = name
            self.epoch = epoch
        }

        public var description: String {
            "the \(name) lease (epoch \(epoch)) was taken over by another replica: this one stops writing"
        }
    }

    /// Takes the next epoch of `name`. Call on the connection that holds the lock.
    public func take(_ name: String, on connection: PostgresConnection) throws -> Int64 {
        try connection.query(
            "INSERT INTO singleton_leases (name, epoch) VALUES ($1, 1) "
                + "ON CONFLICT (name) DO UPDATE SET epoch = singleton_leases.epoch + 1, taken_at = now() RETURNING epoch",
            [name])[0].decode(0)
    }

    public func current(_ name: String, on connection: PostgresConnection) throws -> Int64? {
        try connection.query("SELECT epoch FROM singleton_leases WHERE name = $1", [name]).first?.decode(0)
    }

    /// Throws `Stale` unless `epoch` is still the lease's. Inside a transaction, `FOR SHARE`
    /// holds a taker's update back until the caller's writes commit.
    public func check(_ name: String, epoch: Int64, on connection: PostgresConnection) throws {
        let current: Int64? = try connection.query("SELECT epoch FROM singleton_leases WHERE name = $1 FOR SHARE", [name]).first?.decode(0)
        guard current == epoch else { throw Stale(name: name, epoch: epoch) }
    }
}
