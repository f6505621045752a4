import AlfaCore
import AlfaStore

/// DRY: records a simulated fill at the leader's price moved by the configured slippage,
/// with the leader's fee rates. Nothing leaves the process: it has no signer and no relayer
/// client (a separate implementation from LIVE, not a flag).
struct DryExecutor {
    let pool: PostgresPool
    let gate: ExecutionGate

    func advance(_ order: CopyOrder) async throws {
        let gate = self.gate
        try await pool.transaction { connection in
            let repository = CopyOrderRepository()
            guard gate.allows(order) else {
                if !order.waitsWhenBlocked {
                    try repository.markFailed(order.id, reason: "emergency stop engaged before submission", on: connection)
                }
                return
            }
            let leader = try FillRepository().fill(id: order.leaderFillID, on: connection)
            let reference = leader ?? Self.feeless(order)
            switch order.action {
            case .open:
                let open = CopyOpen(pairIndex: order.pairIndex, isLong: order.isLong, collateral: order.collateral,
                                    leverage: order.leverage, price: order.leaderPrice, slippageBps: order.slippageLimitBps)
                let fill = DryFillSimulator.open(open, leader: reference)
                try repository.markFilled(order.id, price: fill.price, collateral: fill.collateral, fee: fill.fee, grossPnL: 0,
                                          netPnL: 0, openingFeeShare: 0, on: connection)
            case .close:
                guard let positionID = order.positionOrderID, let opened = try repository.order(positionID, on: connection),
                      let entry = opened.fillPrice, let openCollateral = opened.fillCollateral, openCollateral > 0
                else {
                    try repository.markFailed(order.id, reason: "the position it closes was never filled", on: connection)
                    return
                }
                let position = MirroredPosition(openOrderID: positionID, pairIndex: order.pairIndex, isLong: order.isLong,
                                                entryPrice: entry, leverage: opened.leverage,
                                                remainingCollateral: openCollateral,
                                                remainingOpeningFee: opened.fee)
                // The opening fee is shared in proportion to the collateral each close takes.
                let close = CopyClose(position: position, collateral: order.collateral, isFull: order.collateral >= openCollateral,
                                      price: order.leaderPrice)
                let fill = DryFillSimulator.close(close, leader: reference, slippageBps: opened.slippageLimitBps)
                try repository.markFilled(order.id, price: fill.price, collateral: fill.collateral, fee: fill.fee,
                                          grossPnL: fill.grossPnL, netPnL: fill.netPnL, openingFeeShare: fill.openingFeeReleased,
                                          on: connection)
            case .skip:
                return
            }
        }
    }

    /// Without the leader's fill (removed by a reorg since), no fee rates to copy.
    static func feeless(_ order: CopyOrder) -> Fill {
        Fill.feeless(trader: order.leader, pairIndex: order.pairIndex, kind: order.leaderKind, isLong: order.isLong,
                     price: order.leaderPrice, leverage: order.leverage, time: order.leaderTime)
    }
}
