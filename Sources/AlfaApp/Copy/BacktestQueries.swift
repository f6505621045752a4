import AlfaCore
import AlfaSettings
import AlfaStore

/// Loads what a backtest needs (the leader's fills, their own copy settings, the minute bars of
/// their pairs) and runs the pure `Backtester` on it. Shared by `/copy backtest` and `alfa backtest`.
public enum BacktestQueries {
    public static func run(_ leader: EVMAddress, since: Int64?, until: Int64, copy settings: Settings.Copy,
                           pool: PostgresPool) async throws -> BacktestResult {
        let (fills, overrides) = try await pool.withConnection { connection in
            (try FillRepository().fills(of: leader, on: connection),
             try CopyOrderRepository().leaderSettings(on: connection)[leader] ?? LeaderSettings())
        }
        let inWindow = fills.filter { $0.blockTime >= (since ?? .min) && $0.blockTime <= until }
        let pairs = Array(Set(inWindow.map(\.pairIndex))).sorted()
        let start = since ?? inWindow.first?.blockTime ?? until
        let bars = try await pool.withConnection { try FillRepository().priceBars(pairs: pairs, from: start, until: until, on: $0) }
        return Backtester.run(leader: leader, fills: fills, bars: bars, settings: settings, overrides: overrides, from: since, until: until)
    }
}
