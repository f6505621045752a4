import AlfaCore

/// What the admin commands act on: the execution-mode manager, the emergency stop and the
/// breakers. The router authorizes, confirms and audits; an implementation decides, and says
/// what it did as a `ControlOutcome` (no wording: `ChatReplies.render` has it).
/// Until one is configured the router answers these commands with "not available yet".
public protocol ExecutionControl: Sendable {
    /// The current mode and stop, for `/status`.
    func execution() async -> ExecutionState
    /// Why LIVE cannot be switched on now (no wallet, a breaker open, the stop engaged), or nil.
    func liveBlocker() async -> String?
    func setMode(_ mode: ExecutionMode, by admin: Int64) async -> ControlOutcome
    func emergencyStop(by admin: Int64, reason: String?) async -> ControlOutcome
    func emergencyStart(by admin: Int64) async -> ControlOutcome
    func copyStatus() async -> ControlOutcome
    func follow(_ leader: EVMAddress, by admin: Int64) async -> ControlOutcome
    func unfollow(_ leader: EVMAddress, by admin: Int64) async -> ControlOutcome
    func leaders() async -> ControlOutcome
    func copyPnL() async -> ControlOutcome
    /// `/copy pause` and `/copy resume`: leaders' new opens skipped (exits still mirrored), or copied again.
    func setPaused(_ paused: Bool, by admin: Int64) async -> ControlOutcome
    /// `/copy close`: the positions it would close, one line each (empty: nothing to close).
    func positionsToClose(_ target: CloseTarget) async throws -> [String]
    /// Closes them at market, allowed under the emergency stop (a close only takes risk off).
    func closePositions(_ target: CloseTarget, by admin: Int64) async -> ControlOutcome
    /// `/copy set`: shows, changes or resets one leader's own copy settings.
    func leaderSettings(_ leader: TraderReference, _ change: LeaderSettings.Change, by admin: Int64) async -> ControlOutcome
    func breakers() async -> ControlOutcome
    /// The price feed's marks (Pyth while fresh, else the last fill), for the trader card.
    func marks(for pairs: Set<Int32>) async -> [Int32: Mark]
    func resetBreaker(_ name: BreakerName, by admin: Int64) async -> ControlOutcome
    /// `/report daily|weekly`: the period that ends now.
    func report(_ period: PerformanceReport.Period) async -> ControlOutcome
    /// One line per breaker, the open copy positions, the pause and where marks come from, for `/status`.
    func statusLines() async -> (breakers: [String], openPositions: Int, paused: String?, prices: String?)
}
