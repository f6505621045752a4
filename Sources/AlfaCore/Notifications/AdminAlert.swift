/// An alert for the admins, as a domain value: the service's parts decide to raise one, the
/// alert center renders and delivers it.
public struct AdminAlert: Sendable, Equatable {
    public enum Severity: String, Sendable { case warning, critical, info }

    public var severity: Severity
    /// Plain text, as are `detail` and `action`.
    public var title: String
    public var detail: String
    /// How to fix or reset what the alert is about.
    public var action: String?

    public init(_ severity: Severity, _ title: String, detail: String, action: String? = nil) {
        self.severity = severity
        self.title = title
        self.detail = detail
        self.action = action
    }
}
