import AlfaStore
import Logging
import ServiceLifecycle

/// Runs the indexer inside `alfa serve`, with a liveness watchdog: a tail that silently
/// stops seeing new blocks is the failure peers lived with for days.
struct IndexerService: Service {
    let indexer: Indexer
    let stallSeconds: Int64
    var fromBlock: Int64? = nil
    /// Stop after this block (`alfa index --to-block`); nil follows the head forever.
    var throughBlock: Int64? = nil

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await indexer.run(through: throughBlock, fromBlock: fromBlock) }
                    group.addTask { try await watchdog() }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: the last committed page is the checkpoint.
        }
    }

    private func watchdog() async throws {
        let indexer = self.indexer, limit = stallSeconds
        try await StallWatchdog(limitSeconds: limit, clock: .continuous, head: { indexer.lastHead }) { action in
            switch action {
            case .alertStalled(let silent):
                await indexer.alerts.raise(
                    .critical, "Indexer: no new block from the RPC endpoints",
                    detail: "No new head for \(silent) s (INDEXER_STALL_SECONDS=\(limit)).",
                    action: "Check RPC_URLS and the provider's status; the indexer keeps retrying.")
            case .recordStall(let silent):
                // Stored on every tick while the stall lasts: /status shows how long it has been, and a
                // stall noticed before the checkpoint row exists (a slow start) is still recorded.
                await indexer.record(error: "no new block for \(silent) s (INDEXER_STALL_SECONDS=\(limit))")
            case .alertRecovered:
                await indexer.alerts.raise(.info, "Indexer: new blocks again", detail: "The RPC endpoints deliver new blocks again.")
            }
        }.run()
    }
}
