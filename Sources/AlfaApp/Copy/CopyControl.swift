import AlfaCore
import AlfaStore

/// What the admin commands act on, for real: the mode manager, the copy engine and the breakers.
public struct CopyControl: ExecutionControl {
    let manager: ModeManager
    let engine: CopyEngine
    let monitor: BreakerMonitor
    let alerts: AlertSink
    let pool: PostgresPool
    public let prices: PriceFeed
    let maxMarkAge: Int64
    let clock: @Sendable () -> Int64

    public func execution() async -> ExecutionState { await manager.state }

    public func liveBlocker() async -> String? {
        await manager.liveRefusal(confirmed: true)?.description
    }

    public func setMode(_ mode: ExecutionMode, by admin: Int64) async -> ControlOutcome {
        if mode == .live {
            do { try await engine.prepareLive() } catch {
                return .liveRefused("\(error)")
            }
        }
        return await change(.setMode(mode), by: admin, reason: "chat", confirmed: true) { .modeChanged($0.mode) }
    }

    public func emergencyStop(by admin: Int64, reason: String?) async -> ControlOutcome {
        // The stop's transition alerts the admins (ExecutionModeMachine).
        let outcome = await change(.engageStop, by: admin, reason: reason) { _ in .stopEngaged(alreadyAccepted: 0) }
        guard case .stopEngaged = outcome else { return outcome }
        // Submitted before the stop: the relayer executes them anyway, and the reply says so.
        return .stopEngaged(alreadyAccepted: await engine.acceptedOrders())
    }

    public func emergencyStart(by admin: Int64) async -> ControlOutcome {
        await change(.clearStop, by: admin, reason: "chat") { _ in .stopCleared }
    }

    public func copyStatus() async -> ControlOutcome {
        let state = await manager.state
        do {
            return .copyStatus(CopyStatus(state: state, leaders: try await engine.leaders().count, performance: try await engine.performance(),
                                          wallet: await engine.walletDescription))
        } catch {
            return .failed("the copy status")
        }
    }

    public func follow(_ leader: EVMAddress, by admin: Int64) async -> ControlOutcome {
        do {
            try await engine.setLeader(leader, followed: true, by: "admin \(admin)")
            return .following(leader)
        } catch { return .failed("following that leader") }
    }

    public func unfollow(_ leader: EVMAddress, by admin: Int64) async -> ControlOutcome {
        do {
            try await engine.setLeader(leader, followed: false, by: "admin \(admin)")
            return .unfollowed(leader)
        } catch { return .failed("unfollowing that leader") }
    }

    public func leaders() async -> ControlOutcome {
        do {
            return .leaders(try await engine.leaders(), own: try await engine.leaderSettings())
        } catch { return .failed("the leader list") }
    }

    public func leaderSettings(_ reference: TraderReference, _ change: LeaderSettings.Change, by admin: Int64) async -> ControlOutcome {
        do {
            let leader: EVMAddress
            switch try await TraderLookup.resolve(reference, pool: pool) {
            case .success(let trader): leader = trader
            case .failure(let miss): return .noSuchTrader(reference, miss)
            }
            switch try await engine.changeLeaderSettings(leader, change, by: "admin \(admin)") {
            case .failure(let invalid): return .leaderSettingsInvalid(invalid)
            case .success(let settings):
                return .leaderSettings(leader, settings, changed: change != .show, copied: try await engine.leaders().contains(leader))
            }
        } catch { return .failed("the leader's settings") }
    }

    /// The copy account now: its orders' figures and the open positions at their marks.
    public func account() async throws -> (performance: CopyPerformance, open: OpenPositionsReport, now: Int64) {
        let performance = try await engine.performance()
        let positions = try await engine.openPositions()
        let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
        let now = clock()
        return (performance, OpenPositionsReport(positions, marks: marks, now: now, maxAge: maxMarkAge), now)
    }

    /// Realized PnL and fills, then the open positions valued at their marks.
    public func copyPnL() async -> ControlOutcome {
        do {
            let (performance, open, now) = try await account()
            return .account(performance, open, now: now)
        } catch {
            return .failed("the copy PnL")
        }
    }

    public func marks(for pairs: Set<Int32>) async -> [Int32: Mark] { await prices.marks(for: pairs) }

    public func positionsToClose(_ target: CloseTarget) async throws -> [String] {
        try await engine.openPositions().filter(target.selects).sorted { $0.openOrderID < $1.openOrderID }.map { $0.summary() }
    }

    public func closePositions(_ target: CloseTarget, by admin: Int64) async -> ControlOutcome {
        do {
            let closes = try await engine.closePositions(target, by: .admin(admin))
            return closes.isEmpty ? .nothingToClose(target) : .closing(closes.map(\.description))
        } catch {
            return .failed("the close")
        }
    }

    /// The period that ends now, this second included (periods are half-open: [from, to)).
    public func report(_ period: PerformanceReport.Period) async -> ControlOutcome {
        do {
            return .report(try await report(period, to: clock() + 1))
        } catch {
            return .failed("the \(period.rawValue) report")
        }
    }

    func report(_ period: PerformanceReport.Period, to: Int64) async throws -> PerformanceReport {
        try await ReportBuilder.build(period, to: to, pool: pool, manager: manager, engine: engine, monitor: monitor,
                                      prices: prices, maxMarkAge: maxMarkAge)
    }

    public func breakers() async -> ControlOutcome {
        do {
            return .breakers(try await monitor.readings().map { BreakerState($0.reading, isOpen: $0.isOpen) })
        } catch { return .failed("the breakers") }
    }

    public func resetBreaker(_ name: BreakerName, by admin: Int64) async -> ControlOutcome {
        do {
            return .breakerReset(name, wasOpen: try await monitor.reset(name, by: "admin \(admin)"))
        } catch { return .failed("the breaker reset") }
    }

    public func setPaused(_ paused: Bool, by admin: Int64) async -> ControlOutcome {
        do {
            try await engine.setPaused(paused, by: "admin \(admin)")
        } catch {
            return .failed(paused ? "the pause" : "the resume")
        }
        return .paused(paused)
    }

    public func statusLines() async -> (breakers: [String], openPositions: Int, paused: String?, prices: String?) {
        let readings = (try? await monitor.readings()) ?? []
        let lines = readings.map { reading, isOpen in
            "\(reading.name.rawValue): \(isOpen ? "OPEN" : "closed")" + (reading.value.map { String(format: " (%.1f / %.1f)", $0, reading.threshold) } ?? "")
        }
        let pause = (try? await engine.pause()).flatMap { $0 }
        let paused = pause.map { "paused by \($0.by) \(StatusReport.age(clock() - $0.since)) ago: new opens skipped, exits mirrored" }
        return (lines, (try? await engine.openPositionCount()) ?? 0, paused, await prices.status)
    }

    private func change(_ change: ExecutionModeMachine.Change, by admin: Int64, reason: String?, confirmed: Bool = false,
                        success: (ExecutionState) -> ControlOutcome) async -> ControlOutcome {
        do {
            switch try await manager.apply(change, by: .admin(admin), reason: reason, confirmed: confirmed) {
            case .success(let state): return success(state)
            case .failure(let refusal): return .refused(refusal.description)
            }
        } catch {
            return .failed("the mode change")
        }
    }
}
