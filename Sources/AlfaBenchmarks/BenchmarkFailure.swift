import AlfaApp
/// Why a benchmark could not measure what it set out to: the run is void, not slow.
public enum BenchmarkFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The relayer answering is not the loopback fake the benchmark controls.
    case notTheFakeRelayer
    /// The node is not the local chain, whose `alfa_execute` names its transactions.
    case notTheLocalChain
    /// A leader's trade was not copied (and indexed) within the time allowed.
    case notCopied(signal: Int, withinSeconds: Int)
    case ordersDidNotFill(Int)
    /// A second replica did not follow a mode change within the time allowed.
    case replicaDidNotObey(withinSeconds: Int)

    public var description: String {
        switch self {
        case .notTheFakeRelayer: "AVANTIS_RELAYER_URL is not the fake relayer (commands/bench starts it)"
        case .notTheLocalChain: "the node's alfa_execute answer names no transaction (is RPC_URLS the local node?)"
        case .notCopied(let signal, let seconds): "the leader's trade \(signal) was not copied and indexed within \(seconds) s"
        case .ordersDidNotFill(let count): "\(count) copy order(s) did not fill during the benchmark"
        case .replicaDidNotObey(let seconds): "the second replica did not obey within \(seconds) s"
        }
    }
}
