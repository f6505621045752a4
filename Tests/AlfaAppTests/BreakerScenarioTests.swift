@testable import AlfaApp
import AlfaCore
import AlfaTestSupport
import Foundation
import Testing

/// Each circuit breaker driven by its scenario end to end: the leader (and the market) trade on
/// the local EVM, the indexer stores the fills, the copy engine trades in DRY or LIVE, and the
/// breaker trips — the emergency stop engaged in its name, the admins alerted with the figures,
/// the leader's next open skipped, and no other breaker open. Each scenario relaxes none of the
/// defaults except where another breaker would trip on the same trades first.
@Suite("Circuit breakers, each on its scenario", .postgres)
struct BreakerScenarioTests {
    static let p = CopyHarness.price
    static let live = CopyHarness.live

    static func time() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// Waits for the breaker's alert, then checks that it alone tripped and that trading stopped.
    static func expectTripped(_ name: BreakerName, _ harness: CopyHarness, figures: String,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let title = "Circuit breaker \(name.rawValue) tripped: emergency stop engaged"
        // The gate closes first; the stored state and the alert follow: wait for the alert.
        let alert = try await harness.waitForAlert(title).first ?? ""
        #expect(alert.contains(figures) && alert.contains("/breaker reset \(name.rawValue)"), "\(harness.alerts)",
                sourceLocation: sourceLocation)
        let state = await harness.control.execution()
        #expect(state.emergencyStop && state.changedBy == .breaker(name), "\(state)", sourceLocation: sourceLocation)
        #expect(try await harness.execution.monitor.openBreakers() == [name], sourceLocation: sourceLocation)
        #expect(await harness.control.breakers().plainText.contains("🔴 \(name.rawValue): "), sourceLocation: sourceLocation)
        // Trading has stopped: the leader's next open is recorded as skipped.
        let before = try await harness.orders().count
        try await harness.leaderOpens(pair: 60, openTime: time())
        let orders = try await harness.waitForOrders { $0.count == before + 1 }
        #expect(orders.last?.status == .skipped && orders.last?.reason == "emergency stop engaged", sourceLocation: sourceLocation)
    }

    @Test func losingCopyTradesTripTheWinRateBreaker() async throws {
        try await withCopyHarness(["BREAKER_WIN_RATE_TRADES": "3", "BREAKER_MAX_DRAWDOWN_PCT": "90",
                                  "WALLET_DELEGATE_KEY": CopyHarness.delegateKey,
                                  "WALLET_ADDRESS": CopyHarness.wallet]) { harness in
            let start = Self.time()
            for round in 0..<3 {
                let openTime = start + Int64(round)
                try await harness.leaderOpens(openTime: openTime)
                try await harness.waitForOrders { $0.count == 2 * round + 1 && $0.last?.status == .filled }
                try await harness.leaderCloses(price: Self.p - Self.p / 100, openTime: openTime)
                try await harness.waitForOrders { $0.count == 2 * round + 2 && $0.last?.status == .filled }
            }
            try await Self.expectTripped(.winRate, harness, figures: "win rate 0.0 % over the last 3 copy trades (minimum 40.0 %)")
            // An open breaker blocks LIVE even once the stop is cleared; a reset is recorded and clears it.
            _ = await harness.control.emergencyStart(by: 1001)
            #expect(await harness.control.liveBlocker()?.contains("win_rate") == true)
            #expect(await harness.control.setMode(.live, by: 1001).plainText.contains("circuit breaker(s) open: win_rate"))
            #expect(await harness.control.resetBreaker(.winRate, by: 1001).plainText.contains("reset"))
            #expect(await harness.control.statusLines().breakers.first { $0.hasPrefix("win_rate") }?.contains("closed") == true)
        }
    }

    @Test func aLossTooDeepTripsTheDrawdownBreaker() async throws {
        // One position of 100 USDC at 10× (capital 200 USDC): the leader's 5 % loss is about 30 % of it.
        try await withCopyHarness(["COPY_MAX_OPEN_POSITIONS": "2"]) { harness in
            let openTime = Self.time()
            try await harness.leaderOpens(openTime: openTime)
            try await harness.waitForOrders { $0.count == 1 && $0[0].status == .filled }
            try await harness.leaderCloses(price: Self.p - Self.p / 20, openTime: openTime)
            // The close is recorded first (the breaker may trip on the mark even before it is).
            try await harness.waitForOrders { $0.count == 2 }
            try await Self.expectTripped(.drawdown, harness, figures: "from peak (worst")
            let toldTheLimit = harness.alerts.contains { $0.contains("maximum 15.0 %") }
            #expect(toldTheLimit)
            // The breaker reads the loss at the mark (the leader's close price) or realized, whichever
            // it sees first: our close either filled at a loss or waits, held by the stop it engaged.
            let close = try await harness.orders()[1]
            #expect(close.action == .close && (close.status == .filled ? close.netPnL < -50_000_000 : close.status == .intent), "\(close)")
        }
    }

    /// BREAKER_ACTION=close_all: the trip engages the stop, then closes every copied position at
    /// market through it, and says so.
    @Test func underCloseAllATripAlsoClosesEveryPosition() async throws {
        try await withCopyHarness(["COPY_MAX_OPEN_POSITIONS": "2", "BREAKER_ACTION": "close_all"]) { harness in
            try await Self.holdWhileTheMarketFalls(harness)
            #expect(!(try await harness.waitForAlert("Breaker drawdown closes all 1 copied position(s)")).isEmpty)
            let orders = try await harness.waitForOrders { $0.count == 2 && $0[1].status == .filled }
            #expect(orders[1].action == .close && orders[1].orderedBy == "breaker drawdown" && orders[1].netPnL < 0, "\(orders)")
            let atTheMark = orders[1].fillPrice.map { $0 < Self.p - Self.p * 29 / 1_000 }
            #expect(atTheMark == true, "closed at the mark: \(orders)")
            #expect(await harness.control.execution().emergencyStop)
        }
    }

    /// Our copy of the leader's 100 USDC long at 10× is filled; then another trader fills BTC 3 %
    /// lower, which is the pair's mark from then on.
    static func holdWhileTheMarketFalls(_ harness: CopyHarness) async throws {
        let openTime = time()
        try await harness.leaderOpens(openTime: openTime)
        try await harness.waitForOrders { $0.count == 1 && $0[0].status == .filled }
        try await harness.chain.execute([[.marketOpen("0x00000000000000000000000000000000000000b8", pair: 1, collateral: 50_000_000,
                                                      price: p - p * 3 / 100, openTime: openTime + 1)]])
    }

    @Test func anUnrealizedLossWithNothingClosedTripsTheDrawdownBreaker() async throws {
        // Capital 200 USDC (two positions); one of 100 USDC at 10× open, and the market trades 3 % lower:
        // about −35 USDC at the mark, 17 % of the capital, nothing closed.
        try await withCopyHarness(["COPY_MAX_OPEN_POSITIONS": "2"]) { harness in
            try await Self.holdWhileTheMarketFalls(harness)
            try await Self.expectTripped(.drawdown, harness, figures: "USDC included")
            #expect(try await harness.orders().filter { $0.action == .close }.isEmpty)
        }
    }

    @Test func gasEatingTheProfitTripsTheGasShareBreaker() async throws {
        // v2 intents are gasless for the signer: only the v1.5 orders kept in the history carry
        // gas. Two of them, whose gas outweighs a winning trade, are what the breaker reads.
        try await withCopyHarness(["BREAKER_MAX_DRAWDOWN_PCT": "100"]) { harness in
            try await harness.pool.withConnection { connection in
                func insert(_ action: String, position: Int64?, pnl: Int64) throws -> Int64 {
                    try connection.query("""
                        INSERT INTO copy_orders (leader_fill_id, leader_tx_hash, leader_log_index, leader, leader_kind, leader_trade,
                            leader_price, leader_time, action, mode, status, pair_index, is_long, collateral, leverage, position_order_id,
                            fill_price, fill_collateral, fee, net_pnl, gross_pnl, gas_usdc, completed_at)
                        VALUES (0, sha256(convert_to($1, 'UTF8')), 0, decode(repeat('00', 19) || 'a1', 'hex'), $1, 'v1.5', $2, now(), $1,
                            'LIVE', 'filled', 1, true, 100000000, 100000000000, $3, $2, 100000000, 0, $4, $4, 600000, now())
                        RETURNING id
                        """, [action, Self.p, position, pnl])[0].decode(0)
                }
                let open = try insert("open", position: nil, pnl: 0)
                _ = try insert("close", position: open, pnl: 1_000_000)
            }
            try await Self.expectTripped(.gasShare, harness, figures: "of gross profit")
        }
    }

    @Test func failedExecutionsInARowTripTheConsecutiveFailuresBreaker() async throws {
        // The relayer fails every order: each a failed execution.
        try await withCopyHarness(Self.live.merging(["BREAKER_MAX_CONSECUTIVE_FAILURES": "2"]) { _, new in new }) { harness in
            try await harness.relayer.faults(#"{"error": "ATTEMPTS_EXHAUSTED"}"#)
            let start = Self.time()
            try await harness.leaderOpens(pair: 1, openTime: start)
            try await harness.leaderOpens(pair: 2, openTime: start + 1)
            let orders = try await harness.waitForOrders { $0.count == 2 && $0.allSatisfy { $0.status == .failed } }
            let exhausted = orders.allSatisfy { ($0.reason ?? "").contains("ATTEMPTS_EXHAUSTED") }
            #expect(exhausted, "\(orders)")
            try await Self.expectTripped(.consecutiveFailures, harness, figures: "2 failed executions in a row (limit 2)")
            #expect(try await harness.ownFills().isEmpty)
        }
    }

    @Test func mostExecutionsFailingTripTheFailureRateBreaker() async throws {
        // One open filled, then the protocol declines four: 80 % of five failed, but only four in a row.
        try await withCopyHarness(Self.live.merging(["COPY_MAX_OPEN_POSITIONS": "10"]) { _, new in new }) { harness in
            let start = Self.time()
            try await harness.leaderOpens(pair: 1, openTime: start)
            try await harness.waitForOrders { $0.count == 1 && $0[0].status == .filled }
            try await harness.relayer.faults(#"{"decline": true}"#)
            for pair in 2...5 {
                try await harness.leaderOpens(pair: Int64(pair), openTime: start + Int64(pair))
                try await harness.waitForOrders { $0.count == pair && $0.last?.status == .declined }
            }
            try await Self.expectTripped(.failureRate, harness, figures: "80.0 % of 5 executions failed in the last 15 min")
        }
    }

    @Test func anOutlyingSlippageTripsTheSlippageBreaker() async throws {
        // Ten fills within 3 bps of the leader's price, then one 60 bps away.
        try await withCopyHarness(Self.live.merging(["COPY_MAX_OPEN_POSITIONS": "20"]) { _, new in new }) { harness in
            let offsets: [Int64] = [0, 2, 1, 3, 2, 1, 0, 2, 3, 1, 60]
            let prices = offsets.enumerated().map { #""\#($0.offset)":\#($0.element)"# }
            try await harness.relayer.faults(#"{"priceBps":{\#(prices.joined(separator: ","))}}"#)
            let start = Self.time()
            for pair in offsets.indices {
                try await harness.leaderOpens(pair: Int64(pair), openTime: start + Int64(pair))
                try await harness.waitForOrders { $0.count == pair + 1 && $0.last?.status == .filled }
            }
            let orders = try await harness.orders()
            let slippages = orders.compactMap(\.slippageBps).map { $0.rounded() }
            #expect(slippages == offsets.map(Double.init))
            try await Self.expectTripped(.slippage, harness, figures: "last slippage 60.00 bps")
        }
    }

    @Test func aTurbulentMarketOnAHeldPairTripsTheVolatilityBreaker() async throws {
        try await withCopyHarness { harness in
            let start = Self.time()
            try await harness.leaderOpens(pair: 3, openTime: start)
            try await harness.waitForOrders { $0.count == 1 && $0[0].status == .filled }
            // Other traders on pair 3: 21 fills moving 0.05 %, then 20 moving 2 %, alternately.
            let moves = (0..<41).map { $0 < 21 ? 5 : 200 }
            var price = Self.p
            var fills: [MockExecution] = []
            for (i, bps) in moves.enumerated() {
                price += (i.isMultiple(of: 2) ? 1 : -1) * price * Int64(bps) / 10_000
                fills.append(.marketOpen("0x00000000000000000000000000000000000000b\(i % 10)", pair: 3, index: Int64(i / 10),
                                         collateral: 50_000_000, price: price, openTime: start + Int64(i)))
            }
            _ = try await harness.chain.execute([Array(fills.prefix(21)), Array(fills.dropFirst(21))])  // 32 per transaction at most
            try await Self.expectTripped(.volatility, harness, figures: "BNB/USD: volatility")
            let toldTheLevel = harness.alerts.contains { $0.contains("its normal level (limit 3.00×)") }
            #expect(toldTheLevel)
        }
    }
}
