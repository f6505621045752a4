import AlfaStore
import Logging
import ServiceLifecycle

/// Runs `service` on one replica only: the one holding a PostgreSQL advisory lock on a
/// connection of its own. The others wait; when the holder dies its connection closes,
/// PostgreSQL releases the lock and a waiting replica takes over within seconds.
struct SingletonService: Service {
    let name: String
    let lockKey: Int64
    let url: String
    let service: any Service
    let logger: Logger

    func run() async throws {
        let connection = DedicatedConnection(url: url, name: "alfa-lock-\(name)")
        defer { Task { await connection.close() } }
        var announcedStandby = false
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            let holding = (try? await connection.run { [lockKey] in try $0.tryAdvisoryLock(lockKey) }) ?? false
            guard holding else {
                if !announcedStandby { logger.notice("\(name) on standby: another replica runs it") }
                announcedStandby = true
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            logger.notice("this replica runs the \(name)")
            announcedStandby = false
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await service.run() }
                group.addTask {
                    // Losing the lock's connection loses the lock: stop, and compete for it again.
                    while await connection.isAlive() { try await Task.sleep(for: .seconds(1)) }
                    logger.warning("\(name): the lock's connection was lost; standing down")
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
