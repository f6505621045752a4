import AlfaCore
import Synchronization

/// The execution state as this process obeys it, readable without waiting. The mode manager
/// closes it *before* persisting a stop, and executors read it immediately before they submit,
/// so an order being prepared when `/emergency stop` arrives is never sent.
public final class ExecutionGate: Sendable {
    private let state: Mutex<ExecutionState>

    public init(_ initial: ExecutionState) {
        state = Mutex(initial)
    }

    public var current: ExecutionState { state.withLock { $0 } }

    public func update(_ next: ExecutionState) {
        state.withLock { $0 = next }
    }

    /// Whether an order in `mode` may be submitted right now.
    public func allows(_ mode: ExecutionMode) -> Bool {
        let current = current
        return mode == .live ? current.mayTradeLive : current.maySimulate
    }
}
