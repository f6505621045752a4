@testable import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaTestSupport
import Foundation
import Synchronization
import Testing

@Suite("JSON reading and JSON-RPC")
struct JSONRPCTests {
    static let logJSON = """
        [{"address":"0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970","topics":["0x5c00d8b4c6c92b4922d1bd61ef722ec9a29169acb95d956676b07be6a6643eea"],
          "data":"0x00ff","blockNumber":"0x1b4","blockHash":"0x\(String(repeating: "ab", count: 32))",
          "transactionHash":"0x\(String(repeating: "cd", count: 32))","transactionIndex":"0x0","logIndex":"0x2a","removed":false,
          "extra":{"nested":[1,2.5e3,null,true,"a\\"b"]}}]
        """

    @Test func logsDecodeFromProviderJSON() throws {
        let logs = try RPCLog.decodeArray(Array(Self.logJSON.utf8))
        #expect(logs.count == 1)
        #expect(logs[0].address == EVMAddress(hex: "0x0c16ff40065cc3ab4bc55b60e447504afb9c7970"))
        #expect(logs[0].data == [0x00, 0xff] && logs[0].blockNumber == 436 && logs[0].logIndex == 42)
        #expect(logs[0].topics.count == 1 && !logs[0].removed)
    }

    @Test(arguments: [
        "[{\"address\":\"0x12\"}]",                      // short address
        "[{\"address\":\"0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970\"}]",  // no block or log index
        "[{\"data\":\"0xzz\"}]",                          // not hex
        "[{\"logIndex\":\"0x\"}]",                        // empty quantity
        "[{",                                             // cut short
    ])
    func brokenLogsAreErrorsNotCrashes(json: String) {
        #expect(throws: JSONError.self) { try RPCLog.decodeArray(Array(json.utf8)) }
    }

    // Found by commands/fuzz (json-rpc): 300 nested arrays in an answer overflowed the stack.
    @Test(arguments: [JSONCursor.maxDepth + 1, 300, 100_000])
    func documentsNestedTooDeepAreRefusedNotACrash(depth: Int) {
        let answer = #"{"jsonrpc":"2.0","id":1,"result":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(throws: JSONError.self) { try JSONRPCAnswers.split(Array(answer.utf8), firstID: 1, methods: ["eth_getLogs"], host: "h") }
        #expect(throws: JSONError.self) { try RPCLog.decodeArray(Array((String(repeating: "[", count: depth)).utf8)) }
    }

    @Test func nestingUpToTheLimitIsRead() throws {
        let depth = JSONCursor.maxDepth - 1
        let answer = #"{"jsonrpc":"2.0","id":1,"result":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let results = try JSONRPCAnswers.split(Array(answer.utf8), firstID: 1, methods: ["eth_getLogs"], host: "h")
        #expect(try results[0].get().count == 2 * depth)
    }

    // Any id may come back; one that overflows against the first id matches no call.
    @Test(arguments: [Int64.min, Int64.max, -1, 0])
    func answersWithIdsFarFromTheCallsMatchNone(id: Int64) {
        let answer = #"{"jsonrpc":"2.0","id":\#(id),"result":"0x1"}"#
        for firstID: Int64 in [1, Int64.max, Int64.min + 1] {
            #expect(throws: JSONError.self) {
                try JSONRPCAnswers.split(Array(answer.utf8), firstID: firstID, methods: ["eth_blockNumber", "eth_chainId"], host: "h")
            }
        }
    }

    @Test func aBatchIsMatchedByIdInAnyOrderAndARefusalFillsEverySlot() throws {
        let batch = #"[{"jsonrpc":"2.0","id":8,"error":{"code":-32005,"message":"query returned more than 10000 results"}},{"id":7,"result":"0x2105"}]"#
        let results = try JSONRPCAnswers.split(Array(batch.utf8), firstID: 7, methods: ["eth_chainId", "eth_getLogs"], host: "h")
        #expect(try results[0].get() == Array(#""0x2105""#.utf8))
        #expect(throws: RPCError.rangeLimit(host: "h", message: "query returned more than 10000 results")) { try results[1].get() }
        let refused = #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"invalid request"}}"#
        let both = try JSONRPCAnswers.split(Array(refused.utf8), firstID: 7, methods: ["eth_chainId", "eth_getLogs"], host: "h")
        #expect(both.allSatisfy { if case .failure(.rpc(_, -32600, _)) = $0 { true } else { false } })
    }

    @Test func stringsDecodeTheirEscapes() throws {
        let text = try JSONCursor.read(Array(#""a\"b\\c\n\u00e9""#.utf8)) { cursor throws(JSONError) in try cursor.readString() }
        #expect(text == "a\"b\\c\né")
    }

    @Test(arguments: [
        (Int64(-32005), "query returned more than 10000 results", true),
        (-32000, "block range too large", true),
        (-32602, "eth_getLogs block range exceeds limit of 2000", true),
        (-32600, "Log response size exceeded", true),
        (-32000, "execution reverted", false),
        (-32601, "method not found", false),
    ])
    func providerRangeErrorsAreRecognised(code: Int64, message: String, isRange: Bool) {
        #expect(RPCError.isRangeLimit(code: code, message: message) == isRange)
    }

    @Test func endpointsAreNamedByHostOnly() {
        #expect(RPCEndpoint(url: Secret("https://base-mainnet.g.alchemy.com/v2/SECRETKEY")).host == "base-mainnet.g.alchemy.com")
        #expect(RPCEndpoint(url: Secret("https://user:pw@rpc.example:8545/?key=SECRET")).host == "rpc.example:8545")
        #expect(RPCError.unavailable(attempts: 2, lastFailure: "x").description.contains("SECRET") == false)
    }

    @Test func rotationFailsOverAfterRepeatedFailuresAndComesBack() {
        var rotation = EndpointRotation(count: 2, failuresBeforeFailover: 2, restSeconds: 30)
        #expect(rotation.current(now: 0) == 0)
        let firstFailureFailsOver = rotation.recordFailure(0, now: 1)
        #expect(!firstFailureFailsOver)
        #expect(rotation.current(now: 1) == 0)
        let secondFailureFailsOver = rotation.recordFailure(0, now: 2)
        #expect(secondFailureFailsOver)
        #expect(rotation.current(now: 3) == 1)
        #expect(rotation.current(now: 33) == 0)  // rested: the preferred endpoint is tried again
        rotation.recordFailure(1, now: 4); rotation.recordFailure(1, now: 4)
        rotation.recordFailure(0, now: 5); rotation.recordFailure(0, now: 5)
        #expect(rotation.current(now: 6) == 1)  // both resting: the one back first
    }

    @Test func aPauseHoldsEveryRequestToItsEndpointUntilItEnds() {
        var rotation = EndpointRotation(count: 2)
        #expect(rotation.wait(0, now: 100) == 0)
        rotation.pause(0, until: 105)
        rotation.pause(0, until: 103)  // a shorter pause does not shorten it
        #expect(rotation.wait(0, now: 100) == 5 && rotation.wait(1, now: 100) == 0 && rotation.wait(0, now: 106) == 0)
        #expect(rotation.current(now: 100) == 0)  // paused is not failed: it is waited for, not left
    }

    @Test func backoffStaysWithinItsCeilingWithJitter() {
        var random = SeededRandom(seed: 1)
        let backoff = RetryBackoff(baseSeconds: 0.2, capSeconds: 5)
        let delays = (0..<10).map { backoff.delay(attempt: $0, using: &random) }
        #expect(delays.allSatisfy { $0 > 0 && $0 <= 5 })
        #expect(delays[0] <= 0.2 && delays[9] >= 2.5)
    }

    /// A scripted transport: answers in turn, recording which endpoint was asked.
    final class ScriptedTransport: HTTPTransport {
        let answers: Mutex<[Result<HTTPResponse, HTTPError>]>
        let calls = Mutex(0)
        init(_ answers: [Result<HTTPResponse, HTTPError>]) { self.answers = Mutex(answers) }
        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            calls.withLock { $0 += 1 }
            let next = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let next else {
                // Echo a chain id or block number for whatever id was asked.
                let id = String(decoding: request.body, as: UTF8.self).split(separator: "\"id\":")[1].prefix { $0.isNumber }
                return HTTPResponse(status: 200, body: Array(#"{"jsonrpc":"2.0","id":\#(id),"result":"0x2105"}"#.utf8))
            }
            return try next.get()
        }
    }

    @Test func retriesTimeoutsAnd429ThenFailsOverToTheNextEndpoint() async throws {
        let first = ScriptedTransport([.failure(.timedOut), .success(HTTPResponse(status: 429, headers: ["Retry-After": "0"], body: []))])
        let second = ScriptedTransport([])
        let client = JSONRPCClient(
            endpoints: [RPCEndpoint(url: Secret("http://a.example/KEY")), RPCEndpoint(url: Secret("http://b.example/KEY"))],
            expectedChainID: 8453, transports: [first, second], timeoutSeconds: 1,
            backoff: RetryBackoff(baseSeconds: 0.001, capSeconds: 0.01))
        #expect(try await client.blockNumber() == 0x2105)
        #expect(first.calls.withLock { $0 } == 2 && second.calls.withLock { $0 } >= 2)
    }

    /// Records when each request arrived, on the test's clock; the second one (after the
    /// chain-id check) is refused with 429.
    final class RateLimitedTransport: HTTPTransport {
        let clock: ServiceClock
        let arrivals = Mutex<[Double]>([])

        init(clock: ServiceClock) { self.clock = clock }

        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            let count = arrivals.withLock { arrivals in
                arrivals.append(clock.seconds)
                return arrivals.count
            }
            if count == 2 { return HTTPResponse(status: 429, headers: ["Retry-After": "2"], body: []) }
            let id = String(decoding: request.body, as: UTF8.self).split(separator: "\"id\":")[1].prefix { $0.isNumber }
            return HTTPResponse(status: 200, body: Array(#"{"jsonrpc":"2.0","id":\#(id),"result":"0x2105"}"#.utf8))
        }
    }

    /// In virtual time: the pause is exact, and nothing can slip through a loaded machine's gaps.
    @Test func a429PausesEveryRequestToThatEndpointNotJustTheOneRefused() async throws {
        let manual = ManualClock()
        let transport = RateLimitedTransport(clock: ServiceClock(manual))
        let client = JSONRPCClient(endpoints: [RPCEndpoint(url: Secret("http://a.example/"))], expectedChainID: 8453,
                                   transports: [transport], timeoutSeconds: 5, maxAttempts: 4, clock: ServiceClock(manual))
        let refused = Task { try await client.blockNumber() }
        try await manual.untilSleeping()
        #expect(await client.pausedSeconds(0) == 2)
        // Callers that come while the endpoint is paused wait for it too.
        let others = Task {
            try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<4 { group.addTask { try await client.blockNumber() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        try await manual.untilSleeping(5)
        #expect(transport.arrivals.withLock { $0 } == [0, 0], "nothing reaches the endpoint while it is paused")
        manual.advance(by: .seconds(2))
        #expect(try await others.value == Array(repeating: 0x2105, count: 4))
        #expect(try await refused.value == 0x2105)
        #expect(transport.arrivals.withLock { $0 } == [0, 0, 2, 2, 2, 2, 2])
    }

    @Test func aJSONRPCErrorIsAnAnswerNotARetry() async throws {
        let transport = ScriptedTransport([
            .success(HTTPResponse(status: 200, body: Array(#"{"jsonrpc":"2.0","id":1,"result":"0x2105"}"#.utf8))),
            .success(HTTPResponse(status: 200, body: Array(#"{"jsonrpc":"2.0","id":2,"error":{"code":-32005,"message":"query returned more than 10000 results"}}"#.utf8))),
        ])
        let client = JSONRPCClient(endpoints: [RPCEndpoint(url: Secret("http://a.example/"))], expectedChainID: 8453,
                                   transports: [transport], timeoutSeconds: 1)
        await #expect(throws: RPCError.rangeLimit(host: "a.example", message: "query returned more than 10000 results")) {
            _ = try await client.logs(from: 1, to: 2, addresses: [])
        }
        #expect(transport.calls.withLock { $0 } == 2)
    }
    /// Answers nothing until the awaiting task is cancelled, like libcurl's aborted transfer.
    final class HangingTransport: HTTPTransport {
        let calls = Mutex(0)
        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            calls.withLock { $0 += 1 }
            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            throw .cancelled
        }
    }

    @Test func aCancelledCallerIsNeitherRetriedNorCountedAgainstTheEndpoint() async throws {
        let hanging = HangingTransport()
        let events = Mutex<[RPCEvent]>([])
        let client = JSONRPCClient(endpoints: [RPCEndpoint(url: Secret("http://a.example/")), RPCEndpoint(url: Secret("http://b.example/"))],
                                   expectedChainID: 8453, transports: [hanging, ScriptedTransport([])], timeoutSeconds: 1,
                                   onEvent: { event in events.withLock { $0.append(event) } })
        let call = Task { try await client.blockNumber() }
        while hanging.calls.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        call.cancel()
        await #expect(throws: RPCError.unavailable(attempts: 1, lastFailure: "a.example: the request was cancelled")) {
            _ = try await call.value
        }
        #expect(hanging.calls.withLock { $0 } == 1)
        #expect(events.withLock { $0.isEmpty }, "a cancelled call was reported as an endpoint failure")
    }
}
