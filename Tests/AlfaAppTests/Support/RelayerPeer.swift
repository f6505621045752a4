import Foundation

/// The fake batched-market relayer (`commands/lib/relayer/fake_relayer.py`) for one test: it
/// recovers signers with eth-account and, given a chain, executes there. Stopped when released.
final class RelayerPeer: LoopbackPeer, @unchecked Sendable {
    init(chain: ChainPeer? = nil, chainID: Int64 = 31337, router: String) async throws {
        try await super.init("relayer/fake_relayer.py",
                       ["--router", router, "--chain-id", "\(chainID)"] + (chain.map { ["--chain", $0.urls[0]] } ?? []))
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
        /// An open's take-profit and stop-loss prices (× 1e10, "0" for none).
        var tp: String?
        var sl: String?
    }

    func accepted() async throws -> [Accepted] {
        try JSONDecoder().decode([Accepted].self, from: Data(try await get("/control/requests")))
    }
}
