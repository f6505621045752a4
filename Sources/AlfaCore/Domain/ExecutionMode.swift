/// How copy orders are executed: simulated (`DRY`, the default) or signed and sent (`LIVE`).
public enum ExecutionMode: String, Sendable, CaseIterable {
    case dry = "DRY"
    case live = "LIVE"
}
