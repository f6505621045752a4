import AlfaCore

/// The two intents a copy order signs: a market open and a market close, with the relayer's
/// order types (0 open, 1 close; 6/7 are the "PnL" pairs', which alfa does not trade).
extension AvantisIntent {
    /// One intent, ready to sign: its kind, the relayer's `orderType` and the message.
    public struct Order: Sendable, Equatable {
        public let kind: String
        public let orderType: Int
        public let message: TypedValue
    }

    /// A fresh 256-bit nonce (the intent nonces are a bitmap: any unused value is fine).
    public static func randomNonce() -> String {
        var random = SystemRandomNumberGenerator()
        return "0x" + Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    }

    /// `OpenTradeReq` for a market open: the Trade of v1.5 with our size, the leader's price as
    /// the open price, and our own take-profit and stop-loss (0: none); `_slippageP` is percent
    /// × 1e10 (bps × 1e8).
    public static func marketOpen(trader: EVMAddress, pairIndex: Int32, collateral: Int64, price: Int64, isLong: Bool,
                                  leverage: Int64, slippageBps: Int64, exits: CopyExits = CopyExits(), deadline: Int64,
                                  nonce: String) -> Order {
        Order(kind: "OpenTradeReq", orderType: 0, message: .object([
            "_t": .object([
                "trader": .string(trader.description), "pairIndex": .number(String(pairIndex)), "index": .number("0"),
                "initialPosToken": .number("0"), "positionSizeUSDC": .number(String(collateral)), "openPrice": .number(String(price)),
                "buy": .bool(isLong), "leverage": .number(String(leverage)), "tp": .number(String(exits.takeProfit ?? 0)),
                "sl": .number(String(exits.stopLoss ?? 0)),
                "timestamp": .number("0"),
            ]),
            "_type": .number("0"), "_slippageP": .number(String(Int128(slippageBps) * 100_000_000)),
            "_deadline": .number(String(deadline)), "_nonce": .string(nonce),
        ]))
    }

    /// `CloseTradeReq` for a market close of `amount` collateral, bound to the position's
    /// on-chain open time (a mismatch reverts `PositionMismatch()`).
    public static func marketClose(trader: EVMAddress, pairIndex: Int32, index: Int32, openTimestamp: Int64, amount: Int64,
                                   wantedPrice: Int64, deadline: Int64, nonce: String) -> Order {
        Order(kind: "CloseTradeReq", orderType: 1, message: .object([
            "_trader": .string(trader.description), "_pairIndex": .number(String(pairIndex)), "_index": .number(String(index)),
            "_openTimestamp": .number(String(openTimestamp)), "_amount": .number(String(amount)),
            "_wantedPrice": .number(String(wantedPrice)), "_deadline": .number(String(deadline)), "_nonce": .string(nonce),
        ]))
    }

    /// What a signed order carries: the digest, `userIntent` and the 65-byte signature.
    public struct Signed: Sendable, Equatable {
        public let digest: Hash32
        public let userIntent: [UInt8]
        public let signature: [UInt8]
    }

    public static func sign(_ order: Order, with key: WalletKey, domainSeparator: Hash32) throws(EIP712.Failure) -> Signed {
        let digest = try hash(kind: order.kind, message: order.message, domainSeparator: domainSeparator).digest
        return Signed(digest: digest, userIntent: try userIntent(kind: order.kind, message: order.message),
                      signature: key.sign(digest: digest).intentSignature)
    }
}
