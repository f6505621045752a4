#if canImport(Glibc)
import AlfaApp
import Glibc
#endif
import CMalloc
import Foundation

/// The arithmetic every benchmark reports with, so their figures mean the same thing.
enum BenchFigures {
    /// The nearest-rank percentile of sorted values (`p` from 0 to 1); 0 for none.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[max(0, min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    /// How long `body` takes, in milliseconds.
    static func milliseconds(of body: () async throws -> Void) async rethrows -> Double {
        let started = ContinuousClock.now
        try await body()
        return milliseconds(ContinuousClock.now - started)
    }

    /// A process's resident and peak resident memory in MiB, from /proc (self by default).
    static func residentMiB(pid: pid_t? = nil) -> (now: Int, peak: Int) {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Whether a child has ended (a zombie not reaped yet still answers `kill(pid, 0)`).
    static func hasExited(pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        guard let state = status.split(separator: "\n").first(where: { $0.hasPrefix("State:") }) else { return true }
        let letter = state.dropFirst("State:".count).first { !$0.isWhitespace }
        return letter == "Z" || letter == "X"
    }

    /// Bytes malloc has handed out and not had back: what live objects hold, whatever the
    /// allocator keeps cached.
    static func heapInUse() -> Int {
        let info = mallinfo2()
        return Int(info.uordblks) + Int(info.hblkhd)
    }
}
