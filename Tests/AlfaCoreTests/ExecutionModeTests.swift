@testable import AlfaCore
import Testing

@Suite("Execution mode and emergency stop")
struct ExecutionModeTests {
    typealias M = ExecutionModeMachine
    static let ready = M.LiveConditions(confirmed: true, walletConfigured: true, openBreakers: [])
    static let dry = ExecutionState(mode: .dry, emergencyStop: false, changedBy: .environment, changedAt: 0, reason: nil)

    @Test func startupFollowsTheStoredStateUnlessTheEnvironmentForcesTheStop() {
        let live = ExecutionState(mode: .live, emergencyStop: false, changedBy: .admin(1), changedAt: 50, reason: nil)
        // Nothing stored: the environment decides.
        #expect(M.startup(stored: nil, environmentMode: .dry, environmentStop: false, now: 100) == Self.dry.with(at: 100))
        #expect(M.startup(stored: nil, environmentMode: .live, environmentStop: false, now: 100).mode == .live)
        // Stored: survives, whatever COPY_EXECUTION_MODE says.
        #expect(M.startup(stored: live, environmentMode: .dry, environmentStop: false, now: 100) == live)
        // EMERGENCY_STOP=true always wins, and says so.
        let forced = M.startup(stored: live, environmentMode: .dry, environmentStop: true, now: 100)
        #expect(forced.emergencyStop && !forced.mayTradeLive && forced.changedBy == .environment)
        #expect(forced.reason == "EMERGENCY_STOP=true at start-up")
        // A stop already stored keeps who engaged it and why.
        let stopped = ExecutionState(mode: .dry, emergencyStop: true, changedBy: .breaker(.drawdown), changedAt: 70, reason: "dd 16%")
        #expect(M.startup(stored: stopped, environmentMode: .dry, environmentStop: true, now: 100) == stopped)
        #expect(M.startup(stored: stopped, environmentMode: .live, environmentStop: false, now: 100) == stopped)
    }

    @Test func liveNeedsConfirmationWalletNoBreakerAndNoStop() {
        let cases: [(M.LiveConditions, ExecutionState, M.Refusal?)] = [
            (Self.ready, Self.dry, nil),
            (.init(confirmed: false, walletConfigured: true, openBreakers: []), Self.dry, .notConfirmed),
            (.init(confirmed: true, walletConfigured: false, openBreakers: []), Self.dry, .noWallet),
            (.init(confirmed: true, walletConfigured: true, openBreakers: [.slippage, .drawdown]), Self.dry, .breakersOpen([.slippage, .drawdown])),
            (Self.ready, Self.dry.stopped(), .stopEngaged),
        ]
        for (conditions, state, refusal) in cases {
            let result = M.apply(.setMode(.live), to: state, by: .admin(7), at: 10, reason: nil, live: conditions)
            switch (result, refusal) {
            case (.success(let next), nil): #expect(next.mode == .live && next.mayTradeLive && next.changedBy == .admin(7))
            case (.failure(let got), let expected?): #expect(got == expected)
            default: Issue.record("\(conditions) on \(state): got \(result), expected \(String(describing: refusal))")
            }
        }
        #expect(M.Refusal.noWallet.description.contains("WALLET_PRIVATE_KEY_FILE"))
        #expect(M.Refusal.breakersOpen([.winRate]).description.contains("win_rate"))
    }

    @Test func theStopWinsAndClearingItLeavesDry() throws {
        let live = try M.apply(.setMode(.live), to: Self.dry, by: .admin(1), at: 1, reason: nil, live: Self.ready).get()
        let stopped = try M.apply(.engageStop, to: live, by: .breaker(.consecutiveFailures), at: 2, reason: "5 failures",
                                  live: Self.ready).get()
        #expect(stopped.emergencyStop && !stopped.mayTradeLive && !stopped.maySimulate)
        #expect(stopped.changedBy.description == "breaker consecutive_failures" && stopped.reason == "5 failures")
        // DRY may be chosen while stopped (it stays stopped); LIVE may not.
        let dryWhileStopped = try M.apply(.setMode(.dry), to: stopped, by: .admin(1), at: 3, reason: nil, live: Self.ready).get()
        #expect(dryWhileStopped.emergencyStop && dryWhileStopped.mode == .dry)
        let cleared = try M.apply(.clearStop, to: stopped, by: .admin(2), at: 4, reason: nil, live: Self.ready).get()
        #expect(!cleared.emergencyStop && cleared.mode == .dry && cleared.maySimulate && !cleared.mayTradeLive)
        // Engaging twice is allowed and recorded.
        let again = try M.apply(.engageStop, to: stopped, by: .admin(3), at: 5, reason: "manual", live: Self.ready).get()
        #expect(again.changedBy == .admin(3) && again.changedAt == 5)
    }

    @Test func actorsRoundTripThroughTheirStoredText() {
        for actor in [ExecutionActor.admin(123456789), .breaker(.failureRate), .environment] {
            #expect(ExecutionActor(stored: actor.description) == actor)
        }
        #expect(ExecutionActor(stored: "someone") == nil && ExecutionActor(stored: "breaker luck") == nil)
    }
}

extension ExecutionState {
    func with(at time: Int64) -> ExecutionState {
        var copy = self
        copy.changedAt = time
        return copy
    }

    func stopped() -> ExecutionState {
        var copy = self
        copy.emergencyStop = true
        return copy
    }
}
