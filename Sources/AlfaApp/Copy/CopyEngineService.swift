import AlfaStore
import Logging
import ServiceLifecycle

/// Runs the copy engine on the one replica that holds the executor's advisory lock (a double
/// LIVE order is lost money). The others wait and take over within a second or two when the
/// holder dies: its connection closes and PostgreSQL releases the lock.
struct CopyEngineService: Service {
    let engine: CopyEngine
    let monitor: BreakerMonitor
    let url: String
    let breakerCheckSeconds: Int64
    let logger: Logger

    func run() async throws {
        let connection = DedicatedConnection(url: url, name: "alfa-copy-lock") { try $0.listen(IndexerRepository.fillsChannel) }
        defer { Task { await connection.close() } }
        var announcedStandby = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let holding: Bool
            do {
                holding = try await connection.run { try $0.tryAdvisoryLock(CopyOrderRepository.executorLockKey) }
            } catch {
                logger.warning("copy engine: cannot reach the database for the executor lock: \(error)")
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard holding else {
                if !announcedStandby { logger.notice("copy engine on standby: another replica is the executor") }
                announcedStandby = true
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            logger.notice("this replica is the copy executor")
            announcedStandby = false
            await lead(connection)
        }
    }

    /// Works while the lock's connection lives; returns when it is lost or on shutdown.
    private func lead(_ connection: DedicatedConnection) async {
        var lastBreakerCheck = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                if try await engine.step() > 0 { try await monitor.evaluate() }
                if ContinuousClock.now - lastBreakerCheck > .seconds(breakerCheckSeconds) {
                    try await monitor.evaluate()
                    lastBreakerCheck = ContinuousClock.now
                }
                // Wakes on the indexer's NOTIFY; the timeout keeps in-flight orders moving.
                _ = try await connection.run { try $0.waitForNotifications(timeout: 0.2) }
            } catch {
                logger.warning("copy engine: \(error)")
                guard await connection.isAlive() else {
                    logger.warning("copy engine: the executor lock's connection was lost; re-electing")
                    return
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
