import AlfaApp
import AlfaCore
import AlfaSystem
import Foundation

/// Starts `alfa serve` on a populated database and measures what an operator would see: how
/// long until its first leaderboard (the replay of every fill, the ranking and the stored
/// snapshot) and its peak resident memory then, read from /proc. Nothing is estimated.
enum ServeMeasurement {
    static func firstBoard(executable: String, databaseURL: String, fills: Int, worker: BlockingWorker,
                           timeoutSeconds: Double = 900) async throws -> String {
        var environment = ["DATABASE_URL": databaseURL, "HTTP_LISTEN": "off", "LOG_LEVEL": "info"]
        for name in ["PATH", "HOME", "TMPDIR"] { environment[name] = ProcessInfo.processInfo.environment[name] }
        let server = try ChildProcess(executable, ["serve"], environment: environment)
        let started = ContinuousClock.now
        var line: String?
        while line == nil {
            try await Task.sleep(for: .milliseconds(250))
            // Files are read on the worker, not on the cooperative pool.
            let (log, exited) = try await worker.run {
                (server.errorOutputSoFar, BenchFigures.hasExited(pid: server.pid))
            }
            line = log.split(separator: "\n").first { $0.contains("leaderboard refreshed") && !$0.contains("new_fills=0 ") }.map(String.init)
            let elapsed = BenchFigures.milliseconds(ContinuousClock.now - started) / 1_000
            if line == nil, elapsed > timeoutSeconds || exited {
                server.signal(SIGKILL)
                let outcome = try await worker.run { server.wait() }
                throw BenchFailure("alfa serve showed no leaderboard within \(Int(elapsed)) s: \(outcome.errorOutput.suffix(800))")
            }
        }
        let elapsed = BenchFigures.milliseconds(ContinuousClock.now - started) / 1_000
        let memory = try await worker.run { BenchFigures.residentMiB(pid: server.pid) }
        server.signal(SIGTERM)
        let outcome = try await worker.run { server.wait() }
        let refreshMilliseconds = line.flatMap { text in
            text.split(separator: " ").first { $0.hasPrefix("ms=") }.flatMap { Double($0.dropFirst(3)) }
        } ?? 0
        return String(format: "  alfa serve on %d stored fills: first leaderboard after %.1f s from start (its replay, ranking and save: %.1f s; target <= 60 s); peak RSS %d MiB (target <= 1,536 MiB); stopped with status %d",
                      fills, elapsed, refreshMilliseconds / 1_000, memory.peak, outcome.status)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
