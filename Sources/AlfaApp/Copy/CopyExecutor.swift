import AlfaCore

/// Takes copy orders from intent to the exchange. Two implementations, not a flag: the DRY
/// executor cannot reach a signer or `eth_sendRawTransaction`, because it has neither.
protocol CopyExecutor: Sendable {
    /// Moves an active order (intent, or signed/submitted after a crash) as far as it can go now.
    func advance(_ order: CopyOrder) async throws
    /// A fill of the copy wallet itself, indexed from the chain (the keeper's answer to a LIVE order).
    func observe(ownFill: Fill) async throws
}
