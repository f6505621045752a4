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

    public func setMode(_ mode: ExecutionMode, by admin: Int64) async -> ChatReply {
        if mode == .live {
            do { try await engine.prepareLive() } catch {
                return .plain("LIVE refused: \(error)")
            }
        }
        return await change(.setMode(mode), by: admin, reason: "chat", confirmed: true) { state in
            state.mode == .live ? "Copy mode is now LIVE: leader trades are signed as intents and submitted to the Avantis relayer."
                : "Copy mode is now DRY: copies are simulated."
        }
    }

    public func emergencyStop(by admin: Int64, reason: String?) async -> ChatReply {
        // The stop's transition alerts the admins (ExecutionModeMachine).
        var reply = await change(.engageStop, by: admin, reason: reason) { _ in
            "🛑 Emergency stop engaged: no copy order will be submitted. /emergency start clears it (mode stays DRY)."
        }
        // Submitted before the stop: the relayer executes them anyway, and says so here.
        let accepted = await engine.acceptedOrders()
        if accepted > 0 {
            reply.html += ("\n\(accepted) order(s) the relayer had already accepted may still execute: "
                + "they cannot be recalled; /copy pnl shows how they end.")
        }
        return reply
    }

    public func emergencyStart(by admin: Int64) async -> ChatReply {
        await change(.clearStop, by: admin, reason: "chat") { _ in
            "Emergency stop cleared. Mode is DRY: /copy mode LIVE (with confirmation) to trade for real again."
        }
    }

    public func copyStatus() async -> ChatReply {
        let state = await manager.state
        do {
            let leaders = try await engine.leaders()
            let performance = try await engine.performance()
            let wallet = await engine.walletDescription.map { "\n<b>Wallet</b>: <code>\($0)</code>" } ?? ""
            return ChatReply(html: """
                <b>Copy engine</b>: \(state.emergencyStop ? "🛑 STOPPED" : state.mode.rawValue) · \(leaders.count) leader(s) · \
                \(performance.openPositions) open position(s) · \(performance.active) order(s) in flight\(wallet)
                Signals \(performance.signals) → orders \(performance.orders) → fills \(performance.filled) \
                (skipped \(performance.skipped), failed \(performance.failed))
                """)
        } catch {
            return ChatReplies.failed("the copy status")
        }
    }

    public func follow(_ leader: EVMAddress, by admin: Int64) async -> ChatReply {
        do {
            try await engine.setLeader(leader, followed: true, by: "admin \(admin)")
            return .plain("Following \(leader): its next trades are copied.")
        } catch { return ChatReplies.failed("following that leader") }
    }

    public func unfollow(_ leader: EVMAddress, by admin: Int64) async -> ChatReply {
        do {
            try await engine.setLeader(leader, followed: false, by: "admin \(admin)")
            return .plain("No longer following \(leader). Positions already copied still follow its closes.")
        } catch { return ChatReplies.failed("unfollowing that leader") }
    }

    public func leaders() async -> ChatReply {
        do {
            let leaders = try await engine.leaders()
            guard !leaders.isEmpty else {
                return .plain("No leaders: set COPY_LEADERS or COPY_AUTO_TOP_K, or /copy follow 0xADDRESS.")
            }
            let own = try await engine.leaderSettings()
            return ChatReply(html: "<b>Leaders copied</b> (\(leaders.count))\n"
                + leaders.map { "<code>\($0)</code> · " + TelegramHTML.escape(own[$0]?.description ?? "defaults") }.joined(separator: "\n"))
        } catch { return ChatReplies.failed("the leader list") }
    }

    public func leaderSettings(_ reference: TraderReference, _ change: LeaderSettings.Change, by admin: Int64) async -> ChatReply {
        do {
            return try await TraderLookup.withTrader(reference, pool: pool) { leader in
                switch try await engine.changeLeaderSettings(leader, change, by: "admin \(admin)") {
                case .failure(let invalid): return .plain(invalid.description)
                case .success(let settings):
                    let copied = try await engine.leaders().contains(leader)
                    let verb = change == .show ? "has" : "now has"
                    return .plain("\(leader) \(verb) \(settings.isEmpty ? "the defaults" : settings.description)"
                        + (settings.isEmpty ? "" : "; anything else comes from the environment")
                        + (copied ? "." : ". It is not copied now: /copy follow \(leader) to copy it."))
                }
            }
        } catch { return ChatReplies.failed("the leader's settings") }
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
    public func copyPnL() async -> ChatReply {
        do {
            let (performance, open, now) = try await account()
            let chart = performance.chart(title: "Copy account · equity", start: nil, end: now,
                                          unrealized: open.lines.isEmpty ? nil : open.unrealized)
            return ChatReply(html: performance.html + "\n" + open.html(realized: performance.realizedPnL), chart: chart)
        } catch {
            return ChatReplies.failed("the copy PnL")
        }
    }

    public func marks(for pairs: Set<Int32>) async -> [Int32: Mark] { await prices.marks(for: pairs) }

    public func positionsToClose(_ target: CloseTarget) async throws -> [String] {
        try await engine.openPositions().filter(target.selects).sorted { $0.openOrderID < $1.openOrderID }.map { $0.summary() }
    }

    public func closePositions(_ target: CloseTarget, by admin: Int64) async -> ChatReply {
        do {
            let closes = try await engine.closePositions(target, by: .admin(admin))
            guard !closes.isEmpty else { return .plain("Nothing to close: no open copy position matches \(target) (see /copy pnl).") }
            return .plain("Closing \(closes.count) position(s) at market:\n" + closes.map(\.description).joined(separator: "\n"))
        } catch {
            return ChatReplies.failed("the close")
        }
    }

    /// The period that ends now, this second included (periods are half-open: [from, to)).
    public func report(_ period: PerformanceReport.Period) async -> ChatReply {
        do {
            let report = try await report(period, to: clock() + 1)
            return ChatReply(html: report.html, chart: report.chart)
        } catch {
            return ChatReplies.failed("the \(period.rawValue) report")
        }
    }

    func report(_ period: PerformanceReport.Period, to: Int64) async throws -> PerformanceReport {
        try await ReportBuilder.build(period, to: to, pool: pool, manager: manager, engine: engine, monitor: monitor,
                                      prices: prices, maxMarkAge: maxMarkAge)
    }

    public func breakers() async -> ChatReply {
        do {
            let lines = try await monitor.readings().map { reading, isOpen in
                "\(isOpen ? "🔴" : (reading.tripped ? "🟠" : "🟢")) <b>\(reading.name.rawValue)</b>: "
                    + TelegramHTML.escape(reading.detail) + (isOpen ? " — <b>open</b>" : "")
            }
            return ChatReply(html: "<b>Circuit breakers</b>\n" + lines.joined(separator: "\n"))
        } catch { return ChatReplies.failed("the breakers") }
    }

    public func resetBreaker(_ name: BreakerName, by admin: Int64) async -> ChatReply {
        do {
            let wasOpen = try await monitor.reset(name, by: "admin \(admin)")
            return .plain(wasOpen
                ? "Breaker \(name.rawValue) reset; its window starts afresh. The emergency stop stays until /emergency start."
                : "Breaker \(name.rawValue) was not open; its window starts afresh.")
        } catch { return ChatReplies.failed("the breaker reset") }
    }

    public func setPaused(_ paused: Bool, by admin: Int64) async -> ChatReply {
        do {
            try await engine.setPaused(paused, by: "admin \(admin)")
        } catch {
            return ChatReplies.failed(paused ? "the pause" : "the resume")
        }
        return .plain(paused
            ? "⏸ Copying paused: leaders' new opens are skipped; their exits are still mirrored. /copy resume undoes it."
            : "▶️ Copying resumed: leaders' new opens are copied again.")
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
                        success: (ExecutionState) -> String) async -> ChatReply {
        do {
            switch try await manager.apply(change, by: .admin(admin), reason: reason, confirmed: confirmed) {
            case .success(let state): return .plain(success(state))
            case .failure(let refusal): return .plain("Refused: \(refusal.description)")
            }
        } catch {
            return ChatReplies.failed("the mode change")
        }
    }
}
