import AlfaChain
import AlfaCore
import Foundation

/// `alfa bench intents`: v2 OpenTradeReq intents built, hashed (EIP-712), encoded (userIntent)
/// and signed per second on one core. No database, no node.
public enum IntentBenchmark {
    public static func run(count: Int) -> String {
        let key = try! WalletKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        let separator = AvantisIntent.domainSeparator(chainID: 8453, tradingRouter: EVMAddress(hex: "0x44914408af82bC9983bbb330e3578E1105e11d4e")!)
        var random = SystemRandomNumberGenerator()
        var bytes = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let nonce = (0..<4).map { _ in String(random.next(), radix: 16) }.joined()
            let message = TypedValue.object([
                "_t": .object([
                    "trader": .string(key.address.description), "pairIndex": .number(String(index % 80)), "index": .number("0"),
                    "initialPosToken": .number("0"), "positionSizeUSDC": .number("100000000"), "openPrice": .number("650000000000000"),
                    "buy": .bool(index % 2 == 0), "leverage": .number("100000000000"), "tp": .number("0"), "sl": .number("0"),
                    "timestamp": .number("0"),
                ]),
                "_type": .number("0"), "_slippageP": .number("5000000000"), "_deadline": .number(String(1_800_000_000_000 + index)),
                "_nonce": .string("0x" + nonce),
            ])
            let digest = try! AvantisIntent.hash(kind: "OpenTradeReq", message: message, domainSeparator: separator).digest
            bytes &+= try! AvantisIntent.userIntent(kind: "OpenTradeReq", message: message).count
            bytes &+= key.sign(digest: digest).intentSignature.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return String(format: "intents: %d OpenTradeReq built, hashed (EIP-712), encoded and signed in %.2f s: %.0f intents/s on one core (%d bytes)",
                      count, seconds, Double(count) / seconds, bytes)
    }
}
