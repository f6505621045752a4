import AlfaCore
import AlfaHTTP
import Foundation

/// A JSON-RPC client over several endpoints (`RPC_URLS`): retries timeouts, 429 and 5xx
/// with backoff and jitter, fails over to the next endpoint when one keeps failing and
/// comes back to it later, and uses an endpoint only once its `eth_chainId` is `CHAIN_ID`.
/// JSON-RPC errors are answers, not failures: they are thrown to the caller at once.
public actor JSONRPCClient {
    public let endpoints: [RPCEndpoint]
    public let expectedChainID: Int64
    private let transports: [any HTTPTransport]
    private let timeoutSeconds: Double
    private let maxAttempts: Int
    private let backoff: RetryBackoff
    private let onEvent: @Sendable (RPCEvent) -> Void
    /// Backoff, 429 pauses and failover timing run on it (virtual in tests).
    private let clock: ServiceClock
    private var rotation: EndpointRotation
    private var verified: [Bool]
    private var random = SystemRandomNumberGenerator()
    private var nextID: Int64 = 1

    public init(endpoints: [RPCEndpoint], expectedChainID: Int64, transports: [any HTTPTransport],
                timeoutSeconds: Double, maxAttempts: Int = 6, backoff: RetryBackoff = RetryBackoff(),
                rotation: EndpointRotation? = nil, clock: ServiceClock = .continuous,
                onEvent: @escaping @Sendable (RPCEvent) -> Void = { _ in }) {
        precondition(!endpoints.isEmpty && endpoints.count == transports.count)
        self.endpoints = endpoints
        self.expectedChainID = expectedChainID
        self.transports = transports
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.onEvent = onEvent
        self.clock = clock
        self.rotation = rotation ?? EndpointRotation(count: endpoints.count)
        verified = Array(repeating: false, count: endpoints.count)
    }

    /// A client with `connections` libcurl connections (each on a thread of its own) per
    /// endpoint: as many requests to one endpoint can be in flight at once.
    public init(urls: [Secret], expectedChainID: Int64, timeoutSeconds: Double, connections: Int = 1,
                onEvent: @escaping @Sendable (RPCEvent) -> Void = { _ in }) {
        self.init(endpoints: urls.map(RPCEndpoint.init(url:)), expectedChainID: expectedChainID,
                  transports: urls.indices.map { index -> any HTTPTransport in
                      connections > 1 ? CurlHTTPPool(name: "alfa-rpc-\(index)", size: connections) : CurlHTTPClient(name: "alfa-rpc-\(index)")
                  },
                  timeoutSeconds: timeoutSeconds, onEvent: onEvent)
    }

    /// Asks every endpoint for its chain id. One serving another chain is an error; one
    /// that does not answer is reported and checked again before its first use.
    public func verifyChainIDs() async throws(RPCError) {
        for index in endpoints.indices {
            do {
                try await verify(index)
            } catch let error as RPCError {
                if case .wrongChain = error { throw error }
                if !Task.isCancelled { onEvent(.chainUnverified(host: endpoints[index].host, reason: error.description)) }
            } catch {
                if !Task.isCancelled { onEvent(.chainUnverified(host: endpoints[index].host, reason: "\(error)")) }
            }
        }
    }

    /// The host the next request goes to (the first healthy endpoint), as errors name it.
    public func currentHost() -> String { endpoints[rotation.current(now: clock.seconds)].host }

    /// Seconds every request to `endpoint` still waits after its 429; 0 when none.
    public func pausedSeconds(_ endpoint: Int) -> Double { rotation.wait(endpoint, now: clock.seconds) }

    /// One call; returns the raw JSON of `result`.
    public func call(_ method: String, _ params: String = "[]") async throws(RPCError) -> [UInt8] {
        let answers = try await send([(method, params)])
        return try answers[0].get()
    }

    /// Several calls in one JSON-RPC batch; answers in the order of `calls`.
    public func batch(_ calls: [(method: String, params: String)]) async throws(RPCError) -> [Result<[UInt8], RPCError>] {
        guard !calls.isEmpty else { return [] }
        return try await send(calls)
    }

    // MARK: Transport, retries, failover

    private func send(_ calls: [(method: String, params: String)]) async throws(RPCError) -> [Result<[UInt8], RPCError>] {
        var lastFailure = "no attempt"
        var attempts = 0
        for attempt in 0..<maxAttempts {
            attempts = attempt + 1
            let index = rotation.current(now: clock.seconds)
            let endpoint = endpoints[index]
            // An endpoint that answered 429 is left alone by every caller until its pause ends.
            let paused = rotation.wait(index, now: clock.seconds)
            if paused > 0 {
                do { try await clock.sleep(seconds: paused) } catch { break }
            }
            do {
                if !verified[index] { try await verify(index) }
                return try await exchange(calls, on: index)
            } catch let failure as Transient {
                lastFailure = failure.reason
                // A caller that gave up (shutdown, a test stopping) is not an endpoint failing.
                if Task.isCancelled { break }
                let failedOver = rotation.recordFailure(index, now: clock.seconds)
                let next = rotation.current(now: clock.seconds)
                if failedOver, next != index {
                    onEvent(.failedOver(from: endpoint.host, to: endpoints[next].host, reason: failure.reason))
                    continue
                }
                guard attempt + 1 < maxAttempts else { break }
                let delay = failure.retryAfter ?? backoff.delay(attempt: attempt, using: &random)
                onEvent(.retrying(host: endpoint.host, reason: failure.reason, delaySeconds: delay))
                if failure.rateLimited {
                    // Not just this request: the requests in flight beside it wait too (at the top).
                    rotation.pause(index, until: clock.seconds + delay)
                    continue
                }
                do { try await clock.sleep(seconds: delay) } catch { break }
            } catch let error as RPCError {
                throw error
            } catch {
                lastFailure = "\(error)"
            }
        }
        throw .unavailable(attempts: attempts, lastFailure: lastFailure)
    }

    /// A failure worth retrying elsewhere or later.
    private struct Transient: Error {
        let reason: String
        var retryAfter: Double? = nil
        var rateLimited = false
    }

    private func verify(_ index: Int) async throws {
        let answer = try await exchange([("eth_chainId", "[]")], on: index)[0]
        let chainID = try Self.quantity(try answer.get(), host: endpoints[index].host)
        guard chainID == expectedChainID else {
            throw RPCError.wrongChain(host: endpoints[index].host, expected: expectedChainID, actual: chainID)
        }
        verified[index] = true
    }

    private func exchange(_ calls: [(method: String, params: String)], on index: Int) async throws -> [Result<[UInt8], RPCError>] {
        let host = endpoints[index].host
        let firstID = nextID
        nextID += Int64(calls.count)
        var body = calls.count == 1 ? "" : "["
        for (offset, call) in calls.enumerated() {
            if offset > 0 { body += "," }
            body += #"{"jsonrpc":"2.0","id":\#(firstID + Int64(offset)),"method":"\#(call.method)","params":\#(call.params)}"#
        }
        if calls.count > 1 { body += "]" }
        let request = HTTPRequest(method: "POST", url: endpoints[index].url.value,
                                  headers: ["Content-Type": "application/json"], body: Array(body.utf8),
                                  connectTimeoutSeconds: min(5, timeoutSeconds), timeoutSeconds: timeoutSeconds)
        let response: HTTPResponse
        let started = ContinuousClock.now
        func exchanged(_ failure: String?) {
            onEvent(.exchanged(host: host, duration: ContinuousClock.now - started, failure: failure))
        }
        do {
            response = try await transports[index].send(request)
        } catch {
            // A caller that gave up is not an endpoint failing.
            if !Task.isCancelled { exchanged("transport") }
            throw Transient(reason: "\(host): \(error)")
        }
        exchanged(response.status == 200 ? nil : "http_\(response.status)")
        switch response.status {
        case 200: break
        case 429:
            let retryAfter = response.headers.first { $0.key.lowercased() == "retry-after" }.flatMap { Double($0.value) }
            throw Transient(reason: "\(host): HTTP 429 (rate limited)", retryAfter: retryAfter.map { min($0, 60) }, rateLimited: true)
        case 500...599, 408: throw Transient(reason: "\(host): HTTP \(response.status)")
        default: throw RPCError.malformedResponse(host: host, reason: "HTTP \(response.status)")
        }
        rotation.recordSuccess(index)
        do {
            return try JSONRPCAnswers.split(response.body, firstID: firstID, methods: calls.map(\.method), host: host)
        } catch {
            throw Transient(reason: "\(host): \(error)")
        }
    }


    static func quantity(_ json: [UInt8], host: String) throws(RPCError) -> Int64 {
        do {
            return try JSONCursor.read(json) { cursor throws(JSONError) in try cursor.readQuantity() }
        } catch {
            throw .malformedResponse(host: host, reason: "\(error)")
        }
    }

}
