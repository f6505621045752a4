import AlfaApp
import AlfaChain
import AlfaCore
import AlfaHTTP
import AlfaTestSupport
import Foundation
import Synchronization
import Testing

/// alfa's intents, signatures and relayer client against the fake relayer
/// (commands/lib/relayer/fake_relayer.py), which recovers signers with eth-account: an
/// implementation of EIP-712 that is not alfa's.
@Suite("Relayer client and v2 intents (fake relayer)", .postgres)
struct RelayerTests {
    static let router = EVMAddress(hex: "0x44914408af82bC9983bbb330e3578E1105e11d4e")!
    static let trader = try! WalletKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    static let delegate = try! WalletKey(hex: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a")

    typealias Relayer = RelayerPeer

    /// An OpenTradeReq of `trader`, signed by `signer`: the intent, its signature, and its nonce.
    static func open(signedBy signer: WalletKey, nonce: String = "0x" + Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) }),
                     deadline: Int64 = Int64(Date().timeIntervalSince1970 * 1000) + 600_000) throws -> (intent: [UInt8], signature: [UInt8]) {
        let message = TypedValue.object([
            "_t": .object([
                "trader": .string(trader.address.description), "pairIndex": .number("1"), "index": .number("0"),
                "initialPosToken": .number("0"), "positionSizeUSDC": .number("100000000"), "openPrice": .number("650000000000000"),
                "buy": .bool(true), "leverage": .number("100000000000"), "tp": .number("0"), "sl": .number("0"), "timestamp": .number("0"),
            ]),
            "_type": .number("0"), "_slippageP": .number("5000000000"), "_deadline": .number(String(deadline)), "_nonce": .string(nonce),
        ])
        let separator = AvantisIntent.domainSeparator(chainID: 31337, tradingRouter: router)
        let digest = try AvantisIntent.hash(kind: "OpenTradeReq", message: message, domainSeparator: separator).digest
        return (try AvantisIntent.userIntent(kind: "OpenTradeReq", message: message), signer.sign(digest: digest).intentSignature)
    }

    /// A CloseTradeReq of the trader's position, bound to its on-chain open time.
    static func close(index: Int32, openTimestamp: Int64, amount: Int64, price: Int64) throws -> (intent: [UInt8], signature: [UInt8]) {
        let message = TypedValue.object([
            "_trader": .string(trader.address.description), "_pairIndex": .number("1"), "_index": .number(String(index)),
            "_openTimestamp": .number(String(openTimestamp)), "_amount": .number(String(amount)), "_wantedPrice": .number(String(price)),
            "_deadline": .number(String(Int64(Date().timeIntervalSince1970 * 1000) + 600_000)),
            "_nonce": .string("0x" + Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255) })),
        ])
        let separator = AvantisIntent.domainSeparator(chainID: 31337, tradingRouter: router)
        let digest = try AvantisIntent.hash(kind: "CloseTradeReq", message: message, domainSeparator: separator).digest
        return (try AvantisIntent.userIntent(kind: "CloseTradeReq", message: message), trader.sign(digest: digest).intentSignature)
    }

    /// Submits and collects what streamed.
    static func submit(_ client: RelayerClient, _ order: (intent: [UInt8], signature: [UInt8]),
                       orderType: Int = 0) async throws -> [(RelayerEvent, Int64?)] {
        let seen = Mutex<[(RelayerEvent, Int64?)]>([])
        try await client.submit(orderType: orderType, userIntent: order.intent, signature: order.signature) { event, seq in
            seen.withLock { $0.append((event, seq)) }
        }
        return seen.withLock { $0 }
    }

    @Test func aSignedOpenStreamsItsLifecycleToTheFill() async throws {
        let relayer = try await Relayer(router: Self.router.description)
        try await relayer.post("/control/faults", #"{"attemptFailed": 2}"#)
        let events = try await Self.submit(RelayerClient(base: relayer.base), try Self.open(signedBy: Self.trader))
        #expect(events.map(\.1) == [0, 1, 2, 3, 4])
        guard case .accepted = events.first?.0, case .executed(let fill) = events.last?.0 else {
            Issue.record("\(events)"); return
        }
        #expect(events.dropFirst().prefix(2).allSatisfy { if case .attemptFailed = $0.0 { true } else { false } })
        #expect(fill.isOpen && fill.price == 650_000_000_000_000 && fill.collateral == 100_000_000)
    }

    @Test func theRelayerRefusesAStrangersSignatureAReusedNonceAndAPastDeadline() async throws {
        let relayer = try await Relayer(router: Self.router.description)
        let client = RelayerClient(base: relayer.base)
        func refusal(_ order: (intent: [UInt8], signature: [UInt8])) async -> String? {
            do { _ = try await Self.submit(client, order); return nil } catch { return "\(error)" }
        }
        // A delegate works once registered to the trader, not before.
        let byDelegate = try Self.open(signedBy: Self.delegate)
        #expect(await refusal(byDelegate)?.contains("HTTP 400") == true)
        #expect(await refusal(byDelegate)?.contains("neither the trader nor a delegate") == true)
        try await relayer.post("/control/delegate", #"{"trader": "\#(Self.trader.address)", "delegate": "\#(Self.delegate.address)"}"#)
        #expect(await refusal(byDelegate) == nil)
        #expect(await refusal(byDelegate)?.contains("nonce already used") == true)
        #expect(await refusal(try Self.open(signedBy: Self.trader, deadline: 1_000))?.contains("deadline passed") == true)
        // A tampered intent no longer recovers to the trader.
        var tampered = try Self.open(signedBy: Self.trader)
        tampered.intent[63] ^= 1
        #expect(await refusal(tampered)?.contains("neither the trader nor a delegate") == true)
    }

    @Test func onTheLocalChainTheOpenIsOursAndTheCloseMustBindItsOpenTime() async throws {
        let chain = try await ChainPeer()
        let relayer = try await Relayer(chain: chain, router: Self.router.description)
        let client = RelayerClient(base: relayer.base)
        let opened = try await Self.submit(client, try Self.open(signedBy: Self.trader))
        guard case .executed(let open)? = opened.last?.0, let openTime = open.openTimestamp, let slot = open.tradeIndex,
              let openTx = open.transactionHash else { Issue.record("\(opened)"); return }
        // A close naming another open time is refused by the protocol, as on v2.
        let wrong = try await Self.submit(client, try Self.close(index: slot, openTimestamp: openTime - 1, amount: 100_000_000,
                                                                 price: 660_000_000_000_000), orderType: 1)
        #expect(wrong.last?.0 == .error(code: "PositionMismatch", message: "injected"))
        let closed = try await Self.submit(client, try Self.close(index: slot, openTimestamp: openTime, amount: 100_000_000,
                                                                  price: 660_000_000_000_000), orderType: 1)
        guard case .executed(let close)? = closed.last?.0, let closeTx = close.transactionHash else { Issue.record("\(closed)"); return }
        #expect(!close.isOpen && close.payout > close.collateral)

        // The indexer sees both as the trader's fills, in the transactions the stream named.
        let url = try await AlfaBinary.freshDatabase()
        #expect(try await AlfaBinary.run(["migrate"], ["DATABASE_URL": url]).status == 0)
        let env = IndexCommandTests.environment(chain, database: url)
        #expect(try await AlfaBinary.run(["index", "--to-block", "\(try await chain.head())"], env).status == 0)
        let fills = try await RedecodeTests.rows(url, "SELECT '0x' || encode(tx_hash, 'hex') AS tx, kind, '0x' || encode(trader, 'hex') AS trader FROM fills ORDER BY block_number")
        let trader = Self.trader.address.description.lowercased()
        #expect(fills == [#"{"tx":"\#(openTx)","kind":"open","trader":"\#(trader)"}"#, #"{"tx":"\#(closeTx)","kind":"close","trader":"\#(trader)"}"#])
    }

    @Test(arguments: [
        (#"{"cutAfter": 1}"#, "filled"),
        (#"{"streamTimeout": true}"#, "filled"),
        (#"{"decline": true}"#, "declined"),
        (#"{"error": "ATTEMPTS_EXHAUSTED"}"#, "failed"),
    ])
    func theStateMachineSettlesEveryEndingThroughTheStreamOrItsReplay(faults: String, final: String) async throws {
        let relayer = try await Relayer(router: Self.router.description)
        try await relayer.post("/control/faults", faults)
        let client = RelayerClient(base: relayer.base)
        let nonce = "0x" + String(repeating: "5", count: 64)
        let order = try Self.open(signedBy: Self.trader, nonce: nonce)
        let signed = CopyOrderMachine.Signed(nonce: nonce, digest: .zero, deadline: Int64(Date().timeIntervalSince1970 * 1000) + 600_000)
        var machine = CopyOrderMachine(state: .intent(nonce: nonce), gateOpen: true, isClose: false)
        #expect(machine.start() == [.sign(nonce: nonce)])
        var actions = machine.handle(.signed(signed))
        #expect(actions.last == .submit(signed))
        for (event, seq) in try await Self.submit(client, order) { actions = machine.handle(.relayer(event, seq: seq)) }
        if !machine.state.isFinal {
            actions = machine.handle(.streamEnded)
            for action in actions {
                guard case .replay(let tracking, let after) = action else { continue }
                for (seq, event) in try await client.replay(trackingID: tracking, afterSeq: after) {
                    _ = machine.handle(.relayer(event, seq: seq))
                }
            }
        }
        #expect(machine.state.name == final, "\(machine.state)")
    }
}
