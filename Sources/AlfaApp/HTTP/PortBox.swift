import Synchronization

/// The port the listener bound, handed from its start-up callback to the waiter.
package final class PortBox: Sendable {
    private let state = Mutex<(port: Int?, waiter: CheckedContinuation<Int, Never>?)>((nil, nil))

    package init() {}

    package func set(_ port: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Int, Never>? in
            state.port = port
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: port)
    }

    package func wait() async -> Int {
        await withCheckedContinuation { continuation in
            let port = state.withLock { state -> Int? in
                if state.port == nil { state.waiter = continuation }
                return state.port
            }
            if let port { continuation.resume(returning: port) }
        }
    }
}
