/// Backfill progress: blocks and fills per second since the start and the time left.
public struct ProgressMeter: Sendable {
    public let startBlock: Int64
    public let startTime: Double
    public private(set) var fills: Int = 0

    public init(startBlock: Int64, startTime: Double) {
        self.startBlock = startBlock
        self.startTime = startTime
    }

    public mutating func add(fills count: Int) { fills += count }

    /// One progress line for block `current` of `target` at time `now`, with the pages being
    /// fetched at once (a parallel backfill) when more than one.
    public func line(current: Int64, target: Int64, now: Double, inFlight: Int = 1) -> String {
        let elapsed = max(now - startTime, 0.001)
        let blocksPerSecond = Double(current - startBlock) / elapsed
        let left = target - current
        let eta = blocksPerSecond > 0 ? Self.duration(Double(left) / blocksPerSecond) : "unknown"
        return "backfill at block \(current) of \(target): \(Int(blocksPerSecond.rounded())) blocks/s, "
            + "\(Int((Double(fills) / elapsed).rounded())) fills/s, " + (inFlight > 1 ? "\(inFlight) pages in flight, " : "")
            + "\(left) blocks left, ETA \(eta)"
    }

    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(total % 60)s" }
        return "\(total / 3600)h\(total % 3600 / 60)m"
    }
}
