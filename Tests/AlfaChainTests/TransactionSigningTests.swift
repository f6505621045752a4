import AlfaChain
import AlfaCore
import Testing

/// Vectors from eth-account 0.14 (RFC 6979 nonces, so the signatures are deterministic):
/// the same key and fields must give the same bytes, byte for byte.
@Suite("EIP-1559 signing")
struct TransactionSigningTests {
    static let key = try! WalletKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
    static let trading = EVMAddress(hex: "0x44914408af82bC9983bbb330e3578E1105e11d4e")!

    @Test func aPlainTransferMatchesEthAccount() {
        let transaction = EIP1559Transaction(chainID: 8453, nonce: 0, maxPriorityFeePerGas: 1_000_000,
                                             maxFeePerGas: 2_000_000_000, gasLimit: 21_000, to: Self.trading, data: [])
        let signed = Self.key.sign(transaction)
        #expect(Hex.encode(signed.raw) == "02f86b82210580830f424084773594008252089444914408af82bc9983bbb330e3578e1105e11d4e8080c080a00ce75a60ffffc45ff397fdb9f19a377547ecb79660f92e882dc5d914a6121c30a032dd087b810a33f5314bd908b4876f6bb62ed22d078932dbd2e787d4d917d3f1")
        #expect(signed.hash.description == "0x8213d062077b5cadc0e6e8bbccec63ad7d238fa73b6dbe03c4417ca3184a2d01")
    }

    @Test func aCloseWithValueAndALargeNonceMatchesEthAccount() {
        let transaction = EIP1559Transaction(
            chainID: 31337, nonce: 300, maxPriorityFeePerGas: 0, maxFeePerGas: 10_000_000_000, gasLimit: 500_000,
            to: Self.trading, value: 12345,
            data: AvantisCalls.closeTradeMarket(pairIndex: 3, tradeIndex: 1, collateral: 50_000_000))
        let signed = Self.key.sign(transaction)
        #expect(Hex.encode(signed.raw) == "02f8d3827a6982012c808502540be4008307a1209444914408af82bc9983bbb330e3578e1105e11d4e823039b8642c3cbce4000000000000000000000000000000000000000000000000000000000000000300000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000002faf080c080a0ced81c480563634d9e4e74509a2c575ce4bef14bfb310da94e4272f003aded17a05991532f08f6daa333908edacc2f6d01ee9fce03dae371a232fac5f91360541f")
        #expect(signed.hash.description == "0x146cefbb6064be1f34eb5e98a079f7913bb4d8d9ce4680f0885d1d7e621468f8")
    }

    @Test func openTradeCalldataMatchesTheABIEncoder() {
        let data = AvantisCalls.openTrade(trader: Self.key.address, pairIndex: 3, collateral: 100_000_000,
                                          price: 650_000_000_000_000, isLong: false, leverage: 70_000_000_000,
                                          slippageBps: 50)
        #expect(Hex.encode(data) == "19cde9a10000000000000000000000002c7536e3605d9c16a7a3d7b1898e529396a65c230000000000000000000000000000000000000000000000000000000000000003000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005f5e10000000000000000000000000000000000000000000000000000024f2beb1aa0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000104c533c000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000012a05f200")
    }

    @Test func signaturesAreLowSAndRecoverTheSigner() {
        let half: [UInt8] = Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!
        for nonce in 0..<200 {
            let transaction = EIP1559Transaction(chainID: 8453, nonce: Int64(nonce), maxPriorityFeePerGas: 1,
                                                 maxFeePerGas: 2, gasLimit: 21_000, to: Self.trading, data: [UInt8(nonce & 0xff)])
            let signature = Self.key.sign(digest: transaction.signingHash)
            #expect(signature.s.lexicographicallyPrecedes(half) || signature.s == half)
            #expect(signature.recoveryID == 0 || signature.recoveryID == 1)
            #expect(WalletKey.recoverSigner(digest: transaction.signingHash, signature: signature) == Self.key.address)
        }
    }

    @Test func rlpEncodesTheYellowPaperExamples() {
        #expect(RLP.bytes(Array("dog".utf8)).encoded == [0x83, 0x64, 0x6f, 0x67])
        #expect(RLP.list([.bytes(Array("cat".utf8)), .bytes(Array("dog".utf8))]).encoded
            == [0xc8, 0x83, 0x63, 0x61, 0x74, 0x83, 0x64, 0x6f, 0x67])
        #expect(RLP.bytes([]).encoded == [0x80])
        #expect(RLP.list([]).encoded == [0xc0])
        #expect(RLP.uint(0).encoded == [0x80])
        #expect(RLP.uint(15).encoded == [0x0f])
        #expect(RLP.uint(1024).encoded == [0x82, 0x04, 0x00])
        let long = RLP.bytes(Array("Lorem ipsum dolor sit amet, consectetur adipisicing elit".utf8)).encoded
        #expect(Array(long.prefix(2)) == [0xb8, 0x38])
        #expect(RLP.list([.list([]), .list([.list([])]), .list([.list([]), .list([.list([])])])]).encoded
            == [0xc7, 0xc0, 0xc1, 0xc0, 0xc3, 0xc0, 0xc1, 0xc0])
    }
}
