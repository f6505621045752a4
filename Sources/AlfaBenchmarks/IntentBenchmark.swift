import AlfaApp
import AlfaChain
import AlfaCore
import Foundation

/// `alfa bench intents`: v2 OpenTradeReq intents built, hashed (EIP-712), encoded (userIntent)
/// and signed per second on one core. No database, no node.
public enum IntentBenchmark {
    public static func run(count: Int) -> String {
        let key = try! WalletKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        let separator = AvantisIntent.domainSeparator(chainID: 8453, tradingRouter: EVMAddress(hex: "0x44914408af82bC9983bbb330e3578E1105e11d4e")!)
        var bytes = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            // The copy engine's own path: build the order's intent, hash, encode and sign it.
            let order = AvantisIntent.marketOpen(trader: key.address, pairIndex: Int32(index % 80), collateral: 100_000_000,
                                                 price: 650_000_000_000_000, isLong: index % 2 == 0, leverage: 100_000_000_000,
                                                 slippageBps: 50, deadline: 1_800_000_000_000 + Int64(index),
                                                 nonce: AvantisIntent.randomNonce())
            let signed = try! AvantisIntent.sign(order, with: key, domainSeparator: separator)
            bytes &+= signed.userIntent.count + signed.signature.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return String(format: "intents: %d OpenTradeReq built, hashed (EIP-712), encoded and signed in %.2f s: %.0f intents/s on one core (%d bytes)",
                      count, seconds, Double(count) / seconds, bytes)
    }
}
