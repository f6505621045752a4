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

    /// Every change from every state: the actions, in the order the mode manager performs them.
    @Test func eachTransitionSaysWhatToDoInOrder() throws {
        let live = ExecutionState(mode: .live, emergencyStop: false, changedBy: .admin(1), changedAt: 1, reason: nil)
        let stopAlert = AdminAlert(.critical, "Emergency stop engaged by admin 9", detail: "drill",
                                   action: "/emergency start clears it; LIVE must then be confirmed again.")
        let breakerAlert = AdminAlert(.critical, "Circuit breaker drawdown tripped: emergency stop engaged", detail: "dd 16% ≥ 15%",
                                      action: "Check /copy pnl and /breakers, then /breaker reset drawdown and /emergency start.")
        let cases: [(M.Change, ExecutionState, ExecutionActor, String?, [M.Action]?)] = [
            (.engageStop, live, .admin(9), "drill", [
                .persist(ExecutionState(mode: .live, emergencyStop: true, changedBy: .admin(9), changedAt: 10, reason: "drill")),
                .updateGate(ExecutionState(mode: .live, emergencyStop: true, changedBy: .admin(9), changedAt: 10, reason: "drill")),
                .alert(stopAlert)]),
            (.engageStop, live, .breaker(.drawdown), "dd 16% ≥ 15%", [
                .persist(ExecutionState(mode: .live, emergencyStop: true, changedBy: .breaker(.drawdown), changedAt: 10, reason: "dd 16% ≥ 15%")),
                .updateGate(ExecutionState(mode: .live, emergencyStop: true, changedBy: .breaker(.drawdown), changedAt: 10, reason: "dd 16% ≥ 15%")),
                .alert(breakerAlert)]),
            // A stop on a stop is still recorded and announced.
            (.engageStop, live.stopped(), .admin(9), "drill", [
                .persist(ExecutionState(mode: .live, emergencyStop: true, changedBy: .admin(9), changedAt: 10, reason: "drill")),
                .updateGate(ExecutionState(mode: .live, emergencyStop: true, changedBy: .admin(9), changedAt: 10, reason: "drill")),
                .alert(stopAlert)]),
            (.clearStop, live.stopped(), .admin(2), "chat", [
                .persist(ExecutionState(mode: .dry, emergencyStop: false, changedBy: .admin(2), changedAt: 10, reason: "chat")),
                .updateGate(ExecutionState(mode: .dry, emergencyStop: false, changedBy: .admin(2), changedAt: 10, reason: "chat"))]),
            (.setMode(.live), Self.dry, .admin(2), "chat", [
                .persist(ExecutionState(mode: .live, emergencyStop: false, changedBy: .admin(2), changedAt: 10, reason: "chat")),
                .updateGate(ExecutionState(mode: .live, emergencyStop: false, changedBy: .admin(2), changedAt: 10, reason: "chat"))]),
            // Refused: nothing is done at all.
            (.setMode(.live), Self.dry.stopped(), .admin(2), "chat", nil),
        ]
        for (change, state, actor, reason, expected) in cases {
            let result = M.transition(change, from: state, by: actor, at: 10, reason: reason, live: Self.ready)
            #expect((try? result.get())?.actions == expected, "\(change) from \(state)")
            if let expected, case .persist(let next) = expected[0] { #expect(try result.get().next == next) }
        }
        #expect(M.transition(.engageStop, from: live, by: .admin(9), at: 10, reason: nil, live: Self.ready)
            .map(\.actions.last) == .success(.alert(AdminAlert(.critical, "Emergency stop engaged by admin 9", detail: "no reason given",
                                                                action: stopAlert.action))))
    }

    @Test func onlyAStopClosesTheGateBeforeTheStoredStateIsRead() {
        #expect(M.before(.engageStop) == [.closeGate])
        for change in [M.Change.clearStop, .setMode(.live), .setMode(.dry)] { #expect(M.before(change).isEmpty) }
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
