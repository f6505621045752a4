/// Turns a leader's fill into our order, by the copy settings and the leader's own (`/copy set`).
/// Pure: the engine supplies what it knows (our mirrored position, how many are open in all and
/// from this leader, the time).
public enum CopyPlanner {
    public static func plan(_ signal: Fill, settings defaults: CopyPolicy, leader: LeaderSettings = LeaderSettings(), now: Int64,
                            openPositions: Int64, leaderOpenPositions: Int64 = 0, mirror: MirroredPosition?) -> CopyDecision {
        let settings = leader.applied(to: defaults)
        let age = now - signal.blockTime
        if age > settings.maxSignalAgeSeconds {
            return .skip(.signalTooOld(ageSeconds: age, limit: settings.maxSignalAgeSeconds))
        }
        if signal.kind == .increase { return .skip(.increaseNotCopied) }
        if signal.kind == .open {
            if let pairs = leader.pairs, !pairs.allows(signal.pairIndex) { return .skip(.pairNotCopied(signal.pairIndex)) }
            guard openPositions < settings.maxOpenPositions else { return .skip(.maxOpenPositions(settings.maxOpenPositions)) }
            if let limit = leader.maxPositions, leaderOpenPositions >= limit { return .skip(.leaderMaxPositions(limit)) }
            let collateral = settings.sizeRatio.map { mulDiv(signal.positionCollateralOrOpened, $0, 1_000_000) }
                ?? settings.collateral
            let leverage = min(signal.leverage, settings.maxLeverage)
            return .open(CopyOpen(pairIndex: signal.pairIndex, isLong: signal.isLong, collateral: max(collateral, 1),
                                  leverage: leverage, price: signal.price, slippageBps: settings.slippageBps,
                                  exits: CopyExits(open: signal.price, isLong: signal.isLong, leverage: leverage,
                                                   stopLossBps: settings.stopLossBps, takeProfitBps: settings.takeProfitBps)))
        }
        guard let mirror, mirror.remainingCollateral > 0 else { return .skip(.noMirroredPosition) }
        // A partial close closes the same fraction of ours; anything else (full close, TP, SL,
        // liquidation) closes all of ours.
        if signal.kind == .partialClose, signal.positionCollateral > 0, signal.collateral < signal.positionCollateral {
            let part = mulDiv(mirror.remainingCollateral, signal.collateral, signal.positionCollateral)
            if part > 0, part < mirror.remainingCollateral {
                return .close(CopyClose(position: mirror, collateral: part, isFull: false, price: signal.price))
            }
        }
        return .close(CopyClose(position: mirror, collateral: mirror.remainingCollateral, isFull: true, price: signal.price))
    }
}

extension Fill {
    /// The leader's collateral for sizing: what the open put in (net of its fee).
    var positionCollateralOrOpened: Int64 { collateral > 0 ? collateral : positionCollateral }
}
