import Synchronization

/// Where alerts go, settable after start: the bot that delivers them is built after the
/// execution services it controls.
public final class AlertSink: Sendable {
    private let center: Mutex<AlertCenter>

    public init(_ initial: AlertCenter) { center = Mutex(initial) }

    public var current: AlertCenter { center.withLock { $0 } }

    public func route(to next: AlertCenter) { center.withLock { $0 = next } }
}
