import AlfaCore
import AlfaStore
import Logging
import ServiceLifecycle

/// Keeps this replica's gate on the stored state: LISTEN for changes (within a second), a
/// read right after each (re)connection — a change made before the LISTEN took hold would
/// otherwise be missed — and a re-read every few seconds as a safety net.
struct ModeListener: Service {
    let manager: ModeManager
    let url: String
    let logger: Logger
    /// The safety-net re-read and the pause before reconnecting run on it.
    var clock: ServiceClock = .continuous

    func run() async throws {
        let connection = DedicatedConnection(url: url, name: "alfa-mode-listen") { try $0.listen(ExecutionRepository.channel) }
        defer { Task { await connection.close() } }
        var lastRead: Duration?
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                // The first wait connects and LISTENs; only then is a read sure to see every later change.
                let notes = try await connection.run { try $0.waitForNotifications(timeout: 0.25) }
                if !notes.isEmpty || lastRead.map({ clock.now - $0 > .seconds(5) }) ?? true {
                    try await manager.reload()
                    lastRead = clock.now
                }
            } catch {
                logger.warning("mode listener: \(error); retrying")
                lastRead = nil
                try? await clock.sleep(for: .seconds(1))
            }
        }
    }
}
