import AlfaCore
import Testing

@Suite("FIFO position book")
struct PositionBookTests {
    let usdc = FillFactory.usdc
    let price = FillFactory.price

    private func closed(_ outcome: PositionBook.Outcome) -> ClosedTrade? {
        if case .closed(let trade) = outcome { return trade }
        return nil
    }

    @Test func aPartialCloseConsumesTheOldestLotFirstAndSplitsItExactly() throws {
        var f = FillFactory(trader: 1)
        var book = PositionBook()
        _ = book.apply(f.open(at: 1_000, collateral: 100 * usdc, price: price, fee: 6 * usdc))
        // An increase: a second lot at its own price.
        _ = book.apply(f.open(at: 2_000, collateral: 100 * usdc, price: 2 * price, fee: 12 * usdc, openTime: 1_000))
        let first = try #require(closed(book.apply(f.close(.partialClose, openTime: 1_000, at: 3_000, collateral: 60 * usdc,
                                                           exit: price * 3 / 2))))
        // 60 of the first lot (entry 1.0): 60 % of its fee, price move +50 % at 10× = +300 USDC.
        #expect(first.openingFee == 3_600_000)
        #expect(first.entryPrice == price)
        #expect(first.grossPnL == 300 * usdc)
        #expect(first.netPnL == first.payout - 60 * usdc - 3_600_000)
        #expect(!first.completesPosition)

        let rest = try #require(closed(book.apply(f.close(openTime: 1_000, at: 4_000, collateral: 140 * usdc, exit: 2 * price))))
        // 40 left of lot one (+100 % × 10) and 100 of lot two (flat).
        #expect(rest.collateral == 140 * usdc)
        #expect(rest.openingFee == 2_400_000 + 12 * usdc)
        #expect(rest.grossPnL == 400 * usdc)
        #expect(rest.completesPosition)
        #expect(rest.positionNetPnL == first.netPnL + rest.netPnL)
        #expect(book.positions.isEmpty)
    }

    @Test func aLiquidationClosesEverythingLeft() throws {
        var f = FillFactory(trader: 2)
        var book = PositionBook()
        _ = book.apply(f.open(at: 10, collateral: 50 * usdc, fee: usdc))
        _ = book.apply(f.open(at: 20, collateral: 30 * usdc, openTime: 10))
        let trade = try #require(closed(book.apply(f.close(.liquidation, openTime: 10, at: 30, collateral: 1,
                                                           exit: price * 9 / 10, payout: 0))))
        #expect(trade.collateral == 80 * usdc)
        #expect(trade.netPnL == -81 * usdc)       // all collateral and the opening fee
        #expect(trade.completesPosition)
        #expect(book.positions.isEmpty)
    }

    @Test func aCloseWithoutItsOpenIsCountedAsUnmatchedNotInvented() {
        var f = FillFactory(trader: 3)
        var book = PositionBook()
        #expect(book.apply(f.close(openTime: 5, at: 50, collateral: 10 * usdc, exit: price)) == .unmatched)
        #expect(book.unmatchedCloses == 1)
        #expect(book.closedCollateral == 0)
    }

    @Test func aReusedSlotIsANewLifecycle() throws {
        var f = FillFactory(trader: 4)
        var book = PositionBook()
        _ = book.apply(f.open(slot: 0, at: 100, collateral: 10 * usdc))
        _ = book.apply(f.close(slot: 0, openTime: 100, at: 200, collateral: 10 * usdc, exit: price))
        _ = book.apply(f.open(slot: 0, at: 300, collateral: 20 * usdc))
        #expect(book.positions.count == 1)
        #expect(book.positions.values.first?.key.openTime == 300)
        #expect(book.positions.values.first?.collateral == 20 * usdc)
    }

    @Test func aRoundTripAtEqualPricesLosesExactlyItsFees() throws {
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 {
            var f = FillFactory(trader: 5)
            var book = PositionBook()
            let collateral = Int64.random(in: 1...10_000_000, using: &random) * 1_000
            let openingFee = Int64.random(in: 0...collateral / 100, using: &random)
            let closingFee = Int64.random(in: 0...collateral / 100, using: &random)
            let rollover = Int64.random(in: 0...collateral / 100, using: &random)
            let isLong = Bool.random(using: &random)
            _ = book.apply(f.open(at: 1, collateral: collateral, isLong: isLong, fee: openingFee))
            let trade = try #require(closed(book.apply(f.close(openTime: 1, at: 2, collateral: collateral, exit: price,
                                                               isLong: isLong, closingFee: closingFee, rolloverFee: rollover))))
            #expect(trade.grossPnL == 0)
            #expect(trade.netPnL == -(openingFee + closingFee + rollover))
            #expect(trade.netPnL == -trade.fees)
            #expect(!trade.payoutMismatch)
        }
    }

    @Test func splittingACloseIntoPartsGivesTheSamePnLAsOneClose() throws {
        var random = SeededRandom(seed: 11)
        for _ in 0..<300 {
            let collateral = Int64.random(in: 1_000...5_000_000, using: &random) * 1_000
            let fee = Int64.random(in: 0...collateral / 50, using: &random)
            let exit = price + Int64.random(in: -price / 20...price / 10, using: &random)
            let parts = Int.random(in: 2...6, using: &random)

            var f = FillFactory(trader: 6)
            var whole = PositionBook()
            _ = whole.apply(f.open(at: 1, collateral: collateral, fee: fee))
            let one = try #require(closed(whole.apply(f.close(openTime: 1, at: 9, collateral: collateral, exit: exit))))

            var split = PositionBook()
            _ = split.apply(f.open(at: 1, collateral: collateral, fee: fee))
            var remaining = collateral
            var net: Int64 = 0, gross: Int64 = 0, fees: Int64 = 0, paid: Int64 = 0
            for part in 1...parts {
                let amount = part == parts ? remaining : remaining / 3
                let kind: FillKind = part == parts ? .close : .partialClose
                // Payouts add up to the single close's payout exactly.
                let payout = part == parts ? one.payout - paid : Int64(Int128(one.payout) * Int128(amount) / Int128(collateral))
                paid += payout
                let trade = try #require(closed(split.apply(f.close(kind, openTime: 1, at: 9, collateral: amount, exit: exit,
                                                                    payout: payout))))
                net += trade.netPnL
                gross += trade.grossPnL
                fees += trade.openingFee
                remaining -= amount
            }
            #expect(abs(gross - one.grossPnL) <= Int64(parts))   // price PnL differs only by rounding
            #expect(fees == fee)                    // the opening fee is charged exactly once
            #expect(net == one.netPnL, "payouts \(paid) vs \(one.payout), collateral \(collateral), fee \(fee), fees \(fees)")
            #expect(split.positions.isEmpty)
        }
    }

    @Test func closedSizeNeverExceedsOpenedSize() {
        var random = SeededRandom(seed: 13)
        var f = FillFactory(trader: 7)
        var book = PositionBook()
        var openKeys: [(slot: Int32, openTime: Int64)] = []
        for step in 0..<5_000 {
            let time = Int64(step)
            if openKeys.isEmpty || Int.random(in: 0..<3, using: &random) == 0 {
                let slot = Int32.random(in: 0..<50, using: &random)
                _ = book.apply(f.open(slot: slot, at: time, collateral: Int64.random(in: 1...1_000, using: &random) * usdc))
                openKeys.append((slot, time))
            } else {
                let index = Int.random(in: 0..<openKeys.count, using: &random)
                let key = openKeys[index]
                let kind = [FillKind.partialClose, .partialClose, .close, .takeProfit, .stopLoss, .liquidation].randomElement(using: &random)!
                // Sometimes asks for more than is open, or closes a slot that is already gone.
                _ = book.apply(f.close(kind, slot: key.slot, openTime: key.openTime, at: time,
                                       collateral: Int64.random(in: 1...2_000, using: &random) * usdc, exit: price))
                if kind != .partialClose { openKeys.remove(at: index) }
            }
            #expect(book.closedCollateral <= book.openedCollateral)
        }
        let stillOpen = book.positions.values.reduce(Int128(0)) { $0 + Int128($1.collateral) }
        #expect(book.closedCollateral + stillOpen == book.openedCollateral)
    }

    @Test func aPayoutThatDisagreesWithPricesAndFeesIsFlagged() throws {
        var f = FillFactory(trader: 8)
        var book = PositionBook()
        _ = book.apply(f.open(at: 1, collateral: 100 * usdc))
        let trade = try #require(closed(book.apply(f.close(openTime: 1, at: 2, collateral: 100 * usdc, exit: price,
                                                           payout: 90 * usdc))))
        #expect(trade.payoutMismatch)
        #expect(trade.netPnL == -10 * usdc)   // the payout is what counts
    }

    @Test func shortsGainWhenThePriceFalls() throws {
        var f = FillFactory(trader: 9)
        var book = PositionBook()
        _ = book.apply(f.open(at: 1, collateral: 100 * usdc, leverage: 5 * FillFactory.x, isLong: false))
        let trade = try #require(closed(book.apply(f.close(openTime: 1, at: 2, collateral: 100 * usdc, exit: price * 9 / 10,
                                                           leverage: 5 * FillFactory.x, isLong: false))))
        #expect(trade.grossPnL == 50 * usdc)
        #expect(trade.netPnL == 50 * usdc)
    }
}
