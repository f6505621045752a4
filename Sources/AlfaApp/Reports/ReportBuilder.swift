import AlfaCore
import AlfaStore

/// Gathers a `PerformanceReport` for the period ending at `to` from the copy orders, the
/// breaker events, the leader choices and the indexer's state.
enum ReportBuilder {
    static func build(_ period: PerformanceReport.Period, to: Int64, pool: PostgresPool, manager: ModeManager,
                      engine: CopyEngine, monitor: BreakerMonitor, prices: PriceFeed, maxMarkAge: Int64) async throws -> PerformanceReport {
        let from = to - period.seconds
        let (orders, events, changes, fills) = try await pool.withConnection { connection in
            (try CopyOrderRepository().all(since: from, until: to, on: connection),
             try BreakerRepository().events(from: from, to: to, on: connection),
             try CopyOrderRepository().leaderChanges(from: from, to: to, on: connection),
             try FillRepository().count(from: from, to: to, on: connection))
        }
        let status = try await IndexerStatus.read(pool)
        let positions = try await engine.openPositions()
        let marks = await prices.marks(for: Set(positions.map(\.pairIndex)))
        var report = PerformanceReport(
            period: period, from: from, to: to, mode: await manager.state,
            performance: CopyPerformance(orders: orders, openPositions: try await engine.openPositionCount()),
            drawdown: try await monitor.drawdown(from: from, to: to).detail,
            breakerEvents: events, leaderChanges: changes, leadersCopied: try await engine.leaders().count,
            indexer: .init(fillsIndexed: fills, lastBlock: status?.lastBlock, lagBlocks: status.flatMap { s in s.head.map { max(0, $0 - s.lastBlock) } },
                           unknownTopics: status?.unknownTopics ?? 0, lastError: status?.lastError))
        report.open = OpenPositionsReport(positions, marks: marks, now: to, maxAge: maxMarkAge)
        return report
    }
}
