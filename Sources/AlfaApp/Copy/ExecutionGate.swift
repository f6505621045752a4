import AlfaCore
import Synchronization

/// The execution state as this process obeys it, readable without waiting, and the
/// submissions in flight. A stop closes the gate and then waits for the sends already on the
/// wire: once `engageStop()` returns, no order is being submitted and none can start.
public final class ExecutionGate: Sendable {
    private struct Inner {
        var state: ExecutionState
        var inFlight = 0
    }

    private let inner: Mutex<Inner>

    public init(_ initial: ExecutionState) {
        inner = Mutex(Inner(state: initial))
    }

    public var current: ExecutionState { inner.withLock { $0.state } }

    public func update(_ next: ExecutionState) {
        inner.withLock { $0.state = next }
    }

    /// Whether an order in `mode` may be submitted right now.
    public func allows(_ mode: ExecutionMode) -> Bool {
        inner.withLock { Self.allows(mode, $0.state) }
    }

    /// Whether `order` may go out now: as its mode allows, or always for a close an admin or a
    /// breaker ordered (it only takes risk off, so neither the stop nor DRY holds it).
    public func allows(_ order: CopyOrder) -> Bool {
        order.passesTheStop || allows(order.mode)
    }

    /// Claims the right to submit `order` now; pair with `endSubmission()`.
    public func beginSubmission(_ order: CopyOrder) -> Bool {
        inner.withLock { inner in
            guard order.passesTheStop || Self.allows(order.mode, inner.state) else { return false }
            inner.inFlight += 1
            return true
        }
    }

    public func endSubmission() {
        inner.withLock { $0.inFlight -= 1 }
    }

    /// Closes the gate, then waits (bounded by the RPC timeout of the sends) for those in flight.
    public func engageStop() async {
        inner.withLock { $0.state.emergencyStop = true }
        while inner.withLock({ $0.inFlight }) > 0 {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private static func allows(_ mode: ExecutionMode, _ state: ExecutionState) -> Bool {
        mode == .live ? state.mayTradeLive : state.maySimulate
    }
}
