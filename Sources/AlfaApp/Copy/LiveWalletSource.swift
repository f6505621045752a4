import AlfaChain
import AlfaCore
import AlfaSettings
import Logging

/// The LIVE signer, loaded the first time it is needed (never in DRY) and kept: at start-up
/// when LIVE is the stored mode, before an admin's switch to LIVE, or when an intent is signed.
actor LiveWalletSource {
    private let execution: Settings.Execution
    private let chainID: Int64
    private let makeRPC: (@Sendable () throws -> JSONRPCClient)?
    private let logger: Logger
    private(set) var wallet: LiveWallet?

    init(execution: Settings.Execution, chainID: Int64, makeRPC: (@Sendable () throws -> JSONRPCClient)?, logger: Logger) {
        self.execution = execution
        self.chainID = chainID
        self.makeRPC = makeRPC
        self.logger = logger
    }

    /// Loads the key and checks the chain the indexer reads our fills from. Errors name the
    /// setting, never the key.
    func load() async throws -> LiveWallet {
        if let wallet { return wallet }
        guard let makeRPC else {
            throw WalletLoader.Failure(description: "LIVE needs RPC_URLS: the indexer must see our fills on chain")
        }
        let loaded = try await WalletLoader.load(execution)
        let rpc = try makeRPC()
        try await rpc.verifyChainIDs()
        let actual = try await rpc.chainID()
        guard actual == chainID else { throw RPCError.wrongChain(host: "node", expected: chainID, actual: actual) }
        wallet = loaded
        logger.notice("LIVE signer ready", metadata: ["wallet": "\(loaded.address)", "signer": "\(loaded.isDelegate ? "delegate" : "wallet key")"])
        return loaded
    }
}
