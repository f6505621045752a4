import AlfaCore
import AlfaStore
import AlfaTestSupport
import Foundation
import Testing

/// The throwaway cluster `commands/test` started. Each test works in a schema of its own,
/// so suites run in parallel without seeing each other's rows.
enum TestDatabase {
    static var url: String {
        guard let url = TestPostgres.url else {
            fatalError("DATABASE_URL is not set and a suite that needs PostgreSQL lacks the .postgres trait")
        }
        return url
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var migrationsDirectory: String { repositoryRoot + "/migrations" }

    /// A fresh schema; the URL points every connection's search_path at it.
    static func makeSchema() throws -> (name: String, url: String) {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let admin = try PostgresConnection.connect(url: url)
        try admin.execute("CREATE SCHEMA \(name)")
        return (String(name), PostgresURL.withSearchPath(url, schema: String(name)))
    }

    static func connect() throws -> (PostgresConnection, schema: String) {
        let schema = try makeSchema()
        return (try PostgresConnection.connect(url: schema.url), schema.name)
    }

    /// A connection in a fresh schema with the real migrations applied.
    static func migrated() throws -> PostgresConnection {
        let (connection, _) = try connect()
        try Migrator(migrations: Migration.load(from: migrationsDirectory)).apply(on: connection)
        return connection
    }
}

/// Fills that look like the indexer's.
enum SampleFills {
    static func make(count: Int, trader: UInt8 = 1, startBlock: Int64 = 1_000) -> [Fill] {
        (0..<count).map { index in
            var bytes = [UInt8](repeating: 0, count: 32)
            withUnsafeBytes(of: Int64(index).bigEndian) { bytes.replaceSubrange(24..<32, with: $0) }
            bytes[0] = trader
            let hash = Hash32(bytes: bytes)!
            let isClose = index % 2 == 1
            return Fill(
                blockNumber: startBlock + Int64(index / 4), blockHash: Hash32(bytes: [UInt8](repeating: 0xbb, count: 32))!,
                blockTime: 1_735_689_600 + Int64(index), txHash: hash, logIndex: Int32(index % 4),
                eventGeneration: index % 3 == 0 ? "v1" : "v1.5",
                trader: EVMAddress(bytes: [UInt8](repeating: trader, count: 20))!,
                pairIndex: Int32(index % 7), tradeIndex: Int32(index % 3), openTime: 1_735_689_600,
                kind: isClose ? .close : .open, orderType: .market, isLong: index % 5 != 0,
                price: 65_000_0000000000 + Int64(index), leverage: 20_0000000000,
                collateral: 1_000_000_000, positionCollateral: 1_000_000_000,
                percentProfit: isClose ? -12_5000000000 : 0, payout: isClose ? 870_000_000 : 0,
                openingFee: isClose ? 0 : 12_000_000, closingFee: isClose ? 12_000_000 : 0, rolloverFee: isClose ? 1_000 : 0,
                orderID: UInt64.max
            )
        }
    }
}
