import AlfaHTTP
import Foundation

/// The fake batched-market relayer (`commands/lib/relayer/fake_relayer.py`) for one test: it
/// recovers signers with eth-account and, given a chain, executes there. Stopped when released.
final class RelayerPeer: @unchecked Sendable {
    let process: Process
    let base: String
    let control = CurlHTTPClient(name: "test-relayer-control")

    init(chain: ChainPeer? = nil, chainID: Int64 = 31337, router: String) throws {
        struct Announcement: Decodable { let port: Int }
        let (process, announcement) = try PeerProcess.launch(
            "relayer/fake_relayer.py",
            ["--router", router, "--chain-id", "\(chainID)"] + (chain.map { ["--chain", $0.urls[0]] } ?? []),
            as: Announcement.self)
        self.process = process
        base = "http://127.0.0.1:\(announcement.port)"
    }

    deinit { process.terminate() }

    func post(_ path: String, _ json: String) async throws {
        _ = try await control.send(HTTPRequest(method: "POST", url: base + path, headers: ["Content-Type": "application/json"],
                                               body: Array(json.utf8)))
    }

    func register(delegate: String, for trader: String) async throws {
        try await post("/control/delegate", #"{"trader": "\#(trader)", "delegate": "\#(delegate)"}"#)
    }

    func faults(_ json: String) async throws { try await post("/control/faults", json) }

    /// What the relayer accepted, in order: addresses lowercase, the nonce as 0x + 64 hex digits,
    /// `at` in unix seconds.
    struct Accepted: Decodable, Equatable {
        let kind: String
        let signer: String
        let trader: String
        let nonce: String
        let at: Double
    }

    func accepted() async throws -> [Accepted] {
        let response = try await control.send(HTTPRequest(url: base + "/control/requests"))
        return try JSONDecoder().decode([Accepted].self, from: Data(response.body))
    }
}
