/// What the admins are told about a LIVE order the chain or the keeper has not answered within
/// COPY_ORDER_TIMEOUT_SECONDS: which order, where it is stuck, and what to look at.
public struct OverdueOrder: Sendable, Equatable {
    public let title: String
    public let detail: String
    public let action: String

    public init(_ order: CopyOrder, now: Int64) {
        let side = order.isLong ? "long" : "short"
        title = "Copy order \(order.id) (\(order.action.rawValue) pair \(order.pairIndex) \(side)) unanswered for "
            + "\(max(0, now - order.createdAt)) s"
        let transaction = order.txHash.map { "transaction \($0)" } ?? "its transaction"
        let nonce = order.nonce.map { " (nonce \($0))" } ?? ""
        switch (order.status, order.keeperOrderID) {
        case (.intent, _) where order.action == .close:
            detail = "Not sent: LIVE is not allowed now (emergency stop or DRY). The leader has closed; our position "
                + "stays open on chain until this close goes out."
            action = "Close the position in the Avantis app, or /emergency start and /copy mode LIVE to send the close."
        case (.intent, _):
            detail = "Not sent yet: no replica runs the copy executor, or it cannot reach the node."
            action = "Check /status and the log of alfa serve."
        case (.signed, _):
            detail = "\(transaction)\(nonce) is signed but the node has not taken it: LIVE is not allowed now "
                + "(emergency stop or DRY), or every send failed. It is sent again as it is once LIVE is allowed."
            action = "Check /status; if the order should not go out any more, keep the stop engaged and look at the wallet's pending nonce."
        case (_, nil):
            detail = "\(transaction)\(nonce) was sent and has no receipt yet: the fee may be below what Base clears now."
            action = "Look the transaction up on a Base explorer; the order settles by itself when it is mined."
        case (_, let keeper?):
            detail = "\(transaction) was mined; the keeper has not executed order \(keeper) (no MarketExecuted or MarketOpenCanceled yet)."
            action = "Check the position in the Avantis app; the order settles by itself when the keeper answers."
        }
    }
}
