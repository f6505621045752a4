import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// Probes what `/readyz` decides on: the database (on a connection of its own, so a pool busy
/// with work or waiting out an outage does not hide the answer), each RPC endpoint's chain id,
/// the indexer's last head, and this replica's singletons. Every probe has a deadline: a
/// database or node that stopped answering makes the check fail, never the request hang.
actor ReadinessProbe {
    private let chain: Settings.Chain
    /// INDEXER_STALL_SECONDS: a head older than this is not ready.
    private let stallSeconds: Int64
    private let database: DedicatedConnection
    private let endpoints: [(host: String, client: JSONRPCClient)]
    private let leases: [Lease]
    /// Deadlines and the answers' ages run on it; the indexer's freshness reads its Unix time.
    private let clock: ServiceClock
    private let logger: Logger
    /// The last verdict logged: a change is logged once, in the words of the failing checks.
    private var wasReady: Bool?
    private var rpcAnswers: (answers: [(host: String, chainID: Int64?, problem: String?)], at: Duration)?
    private var last: (report: ReadinessReport, at: Duration)?

    static let deadline: Duration = .seconds(3)
    /// Providers are asked at most this often: a load balancer polling every second costs nothing.
    static let rpcInterval: Duration = .seconds(15)

    init(databaseURL: Secret?, chain: Settings.Chain, stallSeconds: Int64, leases: [Lease], logger: Logger = Logger(label: "alfa.http"),
         clock: ServiceClock = .continuous) {
        self.logger = logger
        self.chain = chain
        self.stallSeconds = stallSeconds
        database = DedicatedConnection(url: databaseURL?.value ?? "", name: "alfa-readyz", connectTimeoutSeconds: 2)
        // One client per endpoint, a single attempt each: readiness asks about every endpoint, not the first that works.
        endpoints = chain.rpcURLs.map { url in
            (RPCEndpoint(url: url).host,
             JSONRPCClient(endpoints: [RPCEndpoint(url: url)], expectedChainID: chain.chainID,
                           transports: [CurlHTTPClient(name: "alfa-readyz-rpc")], timeoutSeconds: 2, maxAttempts: 1))
        }
        self.leases = leases
        self.clock = clock
    }

    func check() async -> ReadinessReport {
        // Several probes in the same half second share one answer.
        if let last, clock.now - last.at < .milliseconds(500) { return last.report }
        let started = clock.now
        let reading = await firstAnswer(within: Self.deadline, on: clock) { [database] in
            try await database.run { connection -> IndexerCheckpoint? in
                _ = try connection.query("SELECT 1")
                return try IndexerRepository().checkpoint(on: connection)
            }
        }
        var checks: [ReadinessReport.Check] = []
        let checkpoint: IndexerCheckpoint?
        switch reading {
        case .success(let found)?:
            checkpoint = found
            let elapsed: Duration = clock.now - started
            let milliseconds: Double = elapsed / .milliseconds(1)
            checks.append(.database(problem: nil, milliseconds: Int(milliseconds.rounded())))
        case .failure(let error)?:
            checkpoint = nil
            checks.append(.database(problem: "\(error)", milliseconds: nil))
        case nil:
            checkpoint = nil
            checks.append(.database(problem: "no answer within \(Self.deadline)", milliseconds: nil))
        }
        checks.append(.rpc(await rpc(), expected: chain.chainID))
        if checks[0].ok {
            checks.append(.indexer(configured: !chain.rpcURLs.isEmpty, headSeenAt: checkpoint?.headSeenAt?.unixSeconds,
                                   lastBlock: checkpoint?.lastBlock, now: clock.unixSeconds, stallSeconds: stallSeconds))
        } else {
            checks.append(ReadinessReport.Check("indexer", ok: false, "unknown: the database does not answer"))
        }
        for lease in leases {
            checks.append(.singleton(lease.name, holding: lease.isHeld, healthy: lease.isHealthy(within: .seconds(10))))
        }
        let report = ReadinessReport(checks)
        last = (report, clock.now)
        if report.isReady != wasReady {
            logger.log(level: report.isReady ? .notice : .warning, "/readyz: \(report.summary)")
            wasReady = report.isReady
        }
        return report
    }

    private func rpc() async -> [(host: String, chainID: Int64?, problem: String?)] {
        if let rpcAnswers, clock.now - rpcAnswers.at < Self.rpcInterval { return rpcAnswers.answers }
        var answers: [(host: String, chainID: Int64?, problem: String?)] = []
        for endpoint in endpoints {
            let client = endpoint.client
            switch await firstAnswer(within: Self.deadline, on: clock, { try await client.chainID() }) {
            case .success(let chainID)?:
                answers.append((endpoint.host, chainID, nil))
            case .failure(let error)?:
                // wrongChain names the chain it found: that is the answer, not a failure to get one.
                if case RPCError.wrongChain(_, _, let actual)? = error as? RPCError {
                    answers.append((endpoint.host, actual, nil))
                } else {
                    answers.append((endpoint.host, nil, "\(error)"))
                }
            case nil:
                answers.append((endpoint.host, nil, "no answer within \(Self.deadline)"))
            }
        }
        rpcAnswers = (answers, clock.now)
        return answers
    }
}
