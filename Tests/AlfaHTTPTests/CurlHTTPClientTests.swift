import AlfaCore
import AlfaHTTP
import AlfaSystem
import Foundation
import Testing

/// Runs `Peers/http_peer.py` on loopback for the duration of a test.
final class HTTPPeer: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    let base: String

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/http_peer.py").path
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Not FileHandle.readData: it crashes on EINTR.
        base = "http://127.0.0.1:" + (LineReader(descriptor: output.fileHandleForReading.fileDescriptor).nextLine() ?? "")
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
    }
}

@Suite("libcurl HTTP client (loopback server)")
struct CurlHTTPClientTests {
    @Test func postSendsTheBodyAndHeadersAndReadsTheReply() async throws {
        let peer = try HTTPPeer()
        let client = CurlHTTPClient()
        let body = Array("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}".utf8)
        let response = try await client.send(HTTPRequest(method: "POST", url: peer.base + "/echo",
                                                         headers: ["Content-Type": "application/json"], body: body))
        #expect(response.status == 200)
        #expect(response.body == body)
        #expect(response.headers["x-method"] == "POST")

        let large = [UInt8](repeating: 0x61, count: 3 << 20)
        let echoed = try await client.send(HTTPRequest(method: "PUT", url: peer.base + "/echo", body: large))
        #expect(echoed.body == large)
        #expect(echoed.headers["x-method"] == "PUT")
    }

    @Test func errorStatusesAreResponsesNotErrors() async throws {
        let peer = try HTTPPeer()
        let client = CurlHTTPClient()
        for code in [400, 409, 429, 500, 502] {
            let response = try await client.send(HTTPRequest(url: peer.base + "/status/\(code)"))
            #expect(response.status == code)
            #expect(String(decoding: response.body, as: UTF8.self).contains("\"error_code\": \(code)"))
        }
    }

    @Test func aSlowServerTimesOutAndTheClientStaysUsable() async throws {
        let peer = try HTTPPeer()
        let client = CurlHTTPClient()
        await #expect(throws: HTTPError.timedOut) {
            try await client.send(HTTPRequest(url: peer.base + "/slow?seconds=3", timeoutSeconds: 0.5))
        }
        let response = try await client.send(HTTPRequest(url: peer.base + "/slow?seconds=0", timeoutSeconds: 5))
        #expect(response.status == 200)
    }

    @Test func cancellingTheTaskAbortsALongRequest() async throws {
        let peer = try HTTPPeer()
        let client = CurlHTTPClient()
        let poll = Task { try await client.send(HTTPRequest(url: peer.base + "/slow?seconds=60", timeoutSeconds: 90)) }
        try await Task.sleep(for: .milliseconds(300))
        let cancelled = ContinuousClock.now
        poll.cancel()
        await #expect(throws: HTTPError.cancelled) { try await poll.value }
        // Far sooner than the server's 60 s (about a second when the machine is idle).
        #expect(ContinuousClock.now - cancelled < .seconds(30))
        // The handle is reusable after an abort.
        let response = try await client.send(HTTPRequest(url: peer.base + "/slow?seconds=0", timeoutSeconds: 5))
        #expect(response.status == 200)
    }

    @Test func aRefusedConnectionIsAConnectionFailureThatNeverQuotesTheURL() async throws {
        let client = CurlHTTPClient()
        let secretURL = "http://127.0.0.1:1/bot123456:SECRET-TOKEN/getUpdates"
        do {
            _ = try await client.send(HTTPRequest(url: secretURL, connectTimeoutSeconds: 2))
            Issue.record("connected to a closed port")
        } catch {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(!error.description.contains("SECRET-TOKEN"))
            #expect(!error.description.contains("127.0.0.1"))
        }
    }
}
