@testable import AlfaCore
import Testing

@Suite("Copy planner and DRY fills")
struct CopyPlannerTests {
    static func settings() -> CopyPolicy { .defaults }

    var leader = FillFactory(trader: 7)
    let now: Int64 = 1_800_000_100
    let usdc = FillFactory.usdc
    let x = FillFactory.x

    func mirror(collateral: Int64 = 100 * FillFactory.usdc, fee: Int64 = 600_000, isLong: Bool = true) -> MirroredPosition {
        MirroredPosition(openOrderID: 1, pairIndex: 0, isLong: isLong, entryPrice: FillFactory.price,
                         leverage: 10 * FillFactory.x, remainingCollateral: collateral, remainingOpeningFee: fee)
    }

    @Test mutating func anOpenIsMirroredWithOurSizeAndTheLeverageCapped() {
        let open = leader.open(pair: 3, at: now - 5, collateral: 5_000 * usdc, leverage: 50 * x, isLong: false)
        let decision = CopyPlanner.plan(open, settings: Self.settings(), now: now, openPositions: 0, mirror: nil)
        #expect(decision == .open(CopyOpen(pairIndex: 3, isLong: false, collateral: 100 * usdc, leverage: 10 * x,
                                           price: FillFactory.price, slippageBps: 50)))
        let lowLeverage = leader.open(at: now, collateral: 5_000 * usdc, leverage: 3 * x)
        guard case .open(let order) = CopyPlanner.plan(lowLeverage, settings: Self.settings(), now: now, openPositions: 0, mirror: nil)
        else { Issue.record("not an open"); return }
        #expect(order.leverage == 3 * x)
    }

    @Test mutating func sizeRatioSizesFromTheLeadersCollateral() {
        let open = leader.open(at: now, collateral: 2_000 * usdc)
        let settings = CopyPolicy.defaults { $0.sizeRatio = 50_000; $0.collateral = 7_000_000 }
        guard case .open(let order) = CopyPlanner.plan(open, settings: settings, now: now, openPositions: 0, mirror: nil)
        else { Issue.record("not an open"); return }
        #expect(order.collateral == 100 * usdc)
    }

    @Test mutating func oldSignalsAndTooManyPositionsAreSkippedWithTheReason() {
        let stale = leader.open(at: now - 61, collateral: usdc)
        #expect(CopyPlanner.plan(stale, settings: Self.settings(), now: now, openPositions: 0, mirror: nil)
            == .skip(.signalTooOld(ageSeconds: 61, limit: 60)))
        let fresh = leader.open(at: now - 60, collateral: usdc)
        #expect(CopyPlanner.plan(fresh, settings: Self.settings(), now: now, openPositions: 4, mirror: nil) != .skip(.maxOpenPositions(5)))
        #expect(CopyPlanner.plan(fresh, settings: Self.settings(), now: now, openPositions: 5, mirror: nil) == .skip(.maxOpenPositions(5)))
        #expect(CopyDecision.SkipReason.signalTooOld(ageSeconds: 61, limit: 60).description.contains("COPY_MAX_SIGNAL_AGE_SECONDS"))
    }

    @Test mutating func aPartialCloseClosesTheSameFractionOfOurs() {
        var partial = leader.close(.partialClose, openTime: now - 100, at: now, collateral: 250 * usdc, exit: FillFactory.price)
        partial.positionCollateral = 1_000 * usdc
        let decision = CopyPlanner.plan(partial, settings: Self.settings(), now: now, openPositions: 1, mirror: mirror())
        #expect(decision == .close(CopyClose(position: mirror(), collateral: 25 * usdc, isFull: false, price: FillFactory.price)))
    }

    @Test mutating func fullClosesTakeProfitsStopsAndLiquidationsCloseAllOfOurs() {
        for kind in [FillKind.close, .takeProfit, .stopLoss, .liquidation] {
            let close = leader.close(kind, openTime: now - 100, at: now, collateral: 1_000 * usdc, exit: FillFactory.price)
            let decision = CopyPlanner.plan(close, settings: Self.settings(), now: now, openPositions: 1, mirror: mirror())
            #expect(decision == .close(CopyClose(position: mirror(), collateral: 100 * usdc, isFull: true, price: FillFactory.price)))
        }
        let orphan = leader.close(openTime: now - 100, at: now, collateral: usdc, exit: FillFactory.price)
        #expect(CopyPlanner.plan(orphan, settings: Self.settings(), now: now, openPositions: 0, mirror: nil) == .skip(.noMirroredPosition))
        // A close of almost nothing still closes the whole of ours rather than a zero-sized order.
        var sliver = leader.close(.partialClose, openTime: now - 100, at: now, collateral: 1, exit: FillFactory.price)
        sliver.positionCollateral = 1_000 * usdc
        guard case .close(let order) = CopyPlanner.plan(sliver, settings: Self.settings(), now: now, openPositions: 1,
                                                        mirror: mirror(collateral: 10))
        else { Issue.record("not a close"); return }
        #expect(order.isFull && order.collateral == 10)
    }

    @Test mutating func dryFillsPayTheSlippageAgainstUsAndTheLeadersFeeRates() {
        let open = leader.open(at: now, collateral: 1_000 * usdc, leverage: 10 * x, fee: 6 * usdc)  // 0.06 % of 10,000
        let order = CopyOpen(pairIndex: 0, isLong: true, collateral: 100 * usdc, leverage: 10 * x,
                             price: FillFactory.price, slippageBps: 50)
        let fill = DryFillSimulator.open(order, leader: open)
        #expect(fill.price == FillFactory.price * 10_050 / 10_000)
        #expect(fill.fee == 600_000)
        #expect(fill.collateral == 100 * usdc - 600_000)
        var short = order
        short.isLong = false
        #expect(DryFillSimulator.open(short, leader: open).price == FillFactory.price * 9_950 / 10_000)

        // Closing a long sells: 10 % up at 10× is +100 % gross, less slippage, fees and the opening fee.
        let exit = FillFactory.price * 11 / 10
        let close = leader.close(openTime: now, at: now + 60, collateral: 1_000 * usdc, exit: exit, closingFee: 10 * usdc)
        let position = mirror(collateral: 100 * usdc, fee: 600_000)
        let closed = DryFillSimulator.close(CopyClose(position: position, collateral: 100 * usdc, isFull: true, price: exit),
                                            leader: close, slippageBps: 0)
        #expect(closed.price == exit)
        #expect(closed.fee == usdc)
        #expect(closed.netPnL == 100 * usdc - usdc - 600_000)
        // A loss is capped at the collateral (liquidation), then the opening fee.
        let crash = DryFillSimulator.close(CopyClose(position: position, collateral: 100 * usdc, isFull: true,
                                                     price: FillFactory.price / 2), leader: close, slippageBps: 0)
        #expect(crash.netPnL == -100 * usdc - 600_000)
        // Half a position carries half the opening fee.
        let half = DryFillSimulator.close(CopyClose(position: position, collateral: 50 * usdc, isFull: false, price: FillFactory.price),
                                          leader: close, slippageBps: 0)
        #expect(half.openingFeeReleased == 300_000)
    }
}

@Suite("Overdue LIVE orders: what the admins are told")
struct OverdueOrderTests {
    static let hash = Hash32(hex: "0x" + String(repeating: "ab", count: 32))!

    static func order(_ status: CopyOrder.Status, keeper: Int64? = nil, hash: Hash32? = OverdueOrderTests.hash) -> CopyOrder {
        CopyOrder(id: 7, leaderFillID: 70, leader: EVMAddress(hex: "0x00000000000000000000000000000000000000a1")!, leaderKind: .open,
                  leaderPrice: 1, leaderTime: 1_000, action: .open, mode: .live, status: status, reason: nil, pairIndex: 2, isLong: false,
                  collateral: 100_000_000, leverage: 100_000_000_000, positionOrderID: nil, tradeIndex: nil, nonce: 12, txHash: hash,
                  keeperOrderID: keeper, fillPrice: nil, fillCollateral: nil, fee: 0, netPnL: 0, grossPnL: 0, gasUSDC: 0,
                  createdAt: 1_000, completedAt: nil)
    }

    @Test func theTitleSaysWhichOrderAndForHowLong() {
        let overdue = OverdueOrder(Self.order(.accepted), now: 1_125)
        #expect(overdue.title == "Copy order 7 (open SOL/USD short) unanswered for 125 s")
    }

    @Test func eachStageSaysWhereTheOrderIsStuck() {
        let signed = OverdueOrder(Self.order(.signed), now: 1_200)
        #expect(signed.detail.hasPrefix("Its intent is signed but the relayer has not taken it"))
        #expect(signed.action.contains("AVANTIS_RELAYER_URL"))
        let accepted = OverdueOrder(Self.order(.accepted), now: 1_200)
        #expect(accepted.detail == "The relayer accepted it and has reported no outcome; no fill of ours is indexed yet.")
        let initiated = OverdueOrder(Self.order(.initiated, keeper: 44), now: 1_200)
        #expect(initiated.detail.hasPrefix("The relayer accepted it as order 44 and has reported no outcome"))
        #expect(initiated.action.contains("Avantis app"))
        var close = Self.order(.intent, hash: nil)
        close.action = .close
        let held = OverdueOrder(close, now: 1_200)
        #expect(held.detail.contains("our position stays open on chain until this close goes out"))
        #expect(held.action.contains("/emergency start and /copy mode LIVE"))
        #expect(OverdueOrder(Self.order(.intent, hash: nil), now: 1_200).detail.contains("no replica runs the copy executor"))
    }
}
