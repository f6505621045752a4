import AlfaStore
import Logging
import ServiceLifecycle

/// Keeps this replica's gate on the stored state: LISTEN for changes (within a second), and
/// a re-read every few seconds in case a notification was missed while reconnecting.
struct ModeListener: Service {
    let manager: ModeManager
    let url: String
    let logger: Logger

    func run() async throws {
        let connection = DedicatedConnection(url: url, name: "alfa-mode-listen") { try $0.listen(ExecutionRepository.channel) }
        defer { Task { await connection.close() } }
        var lastRead = ContinuousClock.now
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                let notes = try await connection.run { try $0.waitForNotifications(timeout: 0.25) }
                if !notes.isEmpty || ContinuousClock.now - lastRead > .seconds(5) {
                    try await manager.reload()
                    lastRead = ContinuousClock.now
                }
            } catch {
                logger.warning("mode listener: \(error); retrying")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
