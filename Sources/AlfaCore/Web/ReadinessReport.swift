/// `/readyz`: one verdict per check, and ready only when every one passes. The checks are
/// decided here from what the server probed, so the rules are tested without a server.
public struct ReadinessReport: Sendable, Equatable {
    public struct Check: Sendable, Equatable {
        public let name: String
        public let ok: Bool
        public let detail: String

        public init(_ name: String, ok: Bool, _ detail: String) {
            self.name = name
            self.ok = ok
            self.detail = detail
        }
    }

    public let checks: [Check]

    public init(_ checks: [Check]) { self.checks = checks }

    public var isReady: Bool { checks.allSatisfy(\.ok) }

    /// Failing checks first named, for a one-line log or a probe's output.
    public var summary: String {
        let failed = checks.filter { !$0.ok }
        return failed.isEmpty ? "ready" : "not ready: " + failed.map { "\($0.name) (\($0.detail))" }.joined(separator: "; ")
    }
}

extension ReadinessReport.Check {
    /// nil `problem`: the database answered within the probe's deadline.
    public static func database(problem: String?, milliseconds: Int?) -> Self {
        if let problem { return Self("database", ok: false, problem) }
        return Self("database", ok: true, "answered in \(milliseconds ?? 0) ms")
    }

    /// Each endpoint's chain id, or why it did not answer: one serving `expected` is enough.
    public static func rpc(_ answers: [(host: String, chainID: Int64?, problem: String?)], expected: Int64) -> Self {
        guard !answers.isEmpty else { return Self("rpc", ok: true, "RPC_URLS is not set: nothing to index") }
        let serving = answers.filter { $0.chainID == expected }.map(\.host)
        if !serving.isEmpty { return Self("rpc", ok: true, "\(serving.count) of \(answers.count) endpoint(s) serve chain \(expected)") }
        let why = answers.map { answer in
            answer.chainID.map { "\(answer.host) serves chain \($0)" } ?? "\(answer.host): \(answer.problem ?? "no answer")"
        }
        return Self("rpc", ok: false, "no endpoint serves chain \(expected): " + why.joined(separator: "; "))
    }

    /// The indexer's head must have moved within `stallSeconds` (whichever replica runs it).
    public static func indexer(configured: Bool, headSeenAt: Int64?, lastBlock: Int64?, now: Int64, stallSeconds: Int64) -> Self {
        guard configured else { return Self("indexer", ok: true, "not configured (RPC_URLS is not set)") }
        guard let lastBlock else { return Self("indexer", ok: false, "has not indexed a block yet") }
        guard let headSeenAt else { return Self("indexer", ok: false, "indexed through block \(lastBlock) but never saw a head") }
        let age = now - headSeenAt
        guard age <= stallSeconds else {
            return Self("indexer", ok: false, "stalled: no new head for \(age) s (INDEXER_STALL_SECONDS=\(stallSeconds))")
        }
        return Self("indexer", ok: true, "indexed through block \(lastBlock), head seen \(max(0, age)) s ago")
    }

    /// `healthy`: holding it (true), a standby whose lock connection answers (true), one whose
    /// connection does not (false), or not asked yet (nil).
    public static func singleton(_ name: String, holding: Bool, healthy: Bool?) -> Self {
        switch (holding, healthy) {
        case (true, _): return Self(name, ok: true, "this replica runs it")
        case (false, true?): return Self(name, ok: true, "healthy standby: another replica runs it")
        case (false, false?): return Self(name, ok: false, "standby whose lock connection stopped answering")
        case (false, nil): return Self(name, ok: false, "starting: the lock was not asked for yet")
        }
    }
}
