/// What the admins are told about a LIVE order the chain or the keeper has not answered within
/// COPY_ORDER_TIMEOUT_SECONDS: which order, where it is stuck, and what to look at.
public struct OverdueOrder: Sendable, Equatable {
    public let title: String
    public let detail: String
    public let action: String

    public init(title: String, detail: String, action: String) {
        self.title = title
        self.detail = detail
        self.action = action
    }

    public init(_ order: CopyOrder, now: Int64) {
        let side = order.isLong ? "long" : "short"
        title = "Copy order \(order.id) (\(order.action.rawValue) \(PairCatalogue.builtIn.name(of: order.pairIndex)) \(side)) unanswered for "
            + "\(max(0, now - order.createdAt)) s"
        switch order.status {
        case .intent where order.action == .close:
            detail = "Not sent: LIVE is not allowed now (emergency stop or DRY), or the open it closes has no fill yet. "
                + "The leader has closed; our position stays open on chain until this close goes out."
            action = "Close the position in the Avantis app, or /emergency start and /copy mode LIVE to send the close."
        case .intent:
            detail = "Not signed yet: no replica runs the copy executor, or it cannot load its key."
            action = "Check /status and the log of alfa serve."
        case .signed:
            detail = "Its intent is signed but the relayer has not taken it (LIVE not allowed now, or the relayer is unreachable). "
                + "It is submitted again as it is while its deadline lasts, and expires after it."
            action = "Check /status and that AVANTIS_RELAYER_URL answers; the order settles by itself."
        default:
            let id = order.keeperOrderID.map { " as order \($0)" } ?? ""
            detail = "The relayer accepted it\(id) and has reported no outcome; no fill of ours is indexed yet."
            action = "Check the position in the Avantis app; the order settles by itself when the relayer or the chain answers."
        }
    }
}
