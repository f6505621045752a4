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
        var alerted = false
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(max(1, min(stallSeconds / 4, 30))))
            let silent = indexer.secondsSinceNewHead
            if silent >= Double(stallSeconds) {
                if !alerted {
                    alerted = true
                    await indexer.alerts.raise(
                        .critical, "Indexer: no new block from the RPC endpoints",
                        detail: "No new head for \(Int(silent)) s (INDEXER_STALL_SECONDS=\(stallSeconds)).",
                        action: "Check RPC_URLS and the provider's status; the indexer keeps retrying.")
                }
                // Stored on every tick while the stall lasts: /status shows how long it has been, and a
                // stall noticed before the checkpoint row exists (a slow start) is still recorded.
                await indexer.record(error: "no new block for \(Int(silent)) s (INDEXER_STALL_SECONDS=\(stallSeconds))")
            } else if alerted {
                alerted = false
                await indexer.alerts.raise(.info, "Indexer: new blocks again", detail: "The RPC endpoints deliver new blocks again.")
            }
        }
    }
}
