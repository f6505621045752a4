@testable import AlfaApp
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaTestSupport
import Logging
import Testing

/// The stop across replicas: a stop typed on one replica waits for the submissions another has
/// on the wire, and once it commits no replica starts one, whether its NOTIFY arrived or not.
@Suite("Stop barrier across replicas (real server)", .postgres)
struct StopBarrierTests {
    static func order(_ mode: ExecutionMode, orderedBy: String? = nil) -> CopyOrder {
        var order = CopyOrder(id: 7, leaderFillID: 70, leader: EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!,
                              leaderKind: .open, leaderPrice: 1, leaderTime: 1_000, action: orderedBy == nil ? .open : .close, mode: mode,
                              status: .signed, reason: nil, pairIndex: 2, isLong: false, collateral: 100_000_000,
                              leverage: 100_000_000_000, positionOrderID: nil, tradeIndex: nil, nonce: 12, txHash: nil, keeperOrderID: nil,
                              fillPrice: nil, fillCollateral: nil, fee: 0, netPnL: 0, grossPnL: 0, gasUSDC: 0, createdAt: 1_000,
                              completedAt: nil)
        order.orderedBy = orderedBy
        return order
    }

    /// Sessions waiting for the mode lock, as the server sees them (no clock involved).
    static func waitingForTheModeLock(_ pool: PostgresPool) async throws -> Int64 {
        try await pool.withConnection {
            try $0.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                         + "AND ((classid::bigint << 32) | objid::bigint) = $1", [ExecutionRepository.lockKey])[0].decode(0)
        }
    }

    @Test func aStopWaitsForASubmissionOnTheWireAndNoneStartsAfterIt() async throws {
        let url = try await AlfaBinary.freshDatabase()
        let pool = try await AlfaBinary.migratedPool(url: url)
        try await closing(pool) { pool in
            let values = ["DATABASE_URL": url, "COPY_EXECUTION_MODE": "LIVE"]
            let settings = try Settings(lookup: { values[$0] })
            // The replica the admin types on; the executor's replica is the barrier below.
            let manager = try await ModeManager.start(execution: settings.execution, pool: pool, alerts: AlertSink(.logOnly(Logger(label: "test"))),
                                                      logger: Logger(label: "test.mode"))
            let barrier = StopBarrier(url: url)
            #expect(await barrier.enter(Self.order(.live)))

            // On the wire: the stop's transaction waits for it.
            let stop = Task { try await manager.apply(.engageStop, by: .admin(1001), reason: "drill") }
            let waiting = try await eventually({ try await Self.waitingForTheModeLock(pool) }, until: { $0 == 1 })
            #expect(waiting == 1)
            // Meanwhile another submission may not start: a change is under way.
            let patient = StopBarrier(url: url, patience: .milliseconds(200))
            #expect(await patient.enter(Self.order(.live)) == false)

            await barrier.leave()
            let stopped = try await stop.value.get()
            #expect(stopped.emergencyStop)
            // Committed: nothing starts, though this "replica" never heard the NOTIFY.
            #expect(await barrier.enter(Self.order(.live)) == false)
            #expect(await barrier.enter(Self.order(.dry)) == false)
            await barrier.close()
            await patient.close()
        }
    }
}
