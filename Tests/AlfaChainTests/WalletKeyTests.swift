import AlfaChain
import AlfaCore
import Testing

@Suite("Wallet key")
struct WalletKeyTests {
    @Test func theAddressOfAKnownKeyMatchesEthereum() throws {
        // Private key 1 controls 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf, a well-known vector.
        let key = try WalletKey(hex: "0x" + String(repeating: "0", count: 63) + "1")
        #expect(key.address == EVMAddress(hex: "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"))
        // Hardhat's first default account.
        let hardhat = try WalletKey(hex: "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        #expect(hardhat.address == EVMAddress(hex: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
    }

    @Test func badKeysAreRefusedWithoutEchoingThem() {
        #expect(throws: WalletKey.Problem.notHex) { try WalletKey(hex: "0x1234") }
        #expect(throws: WalletKey.Problem.notHex) { try WalletKey(hex: "zz" + String(repeating: "1", count: 62)) }
        #expect(throws: WalletKey.Problem.outOfRange) { try WalletKey(hex: String(repeating: "0", count: 64)) }
        #expect(throws: WalletKey.Problem.outOfRange) { try WalletKey(hex: String(repeating: "f", count: 64)) }
        let key = try? WalletKey(hex: "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        #expect(!"\(key!)".contains("ac0974"))
    }

    @Test func signaturesAreLowSAndRecoverTheSigner() throws {
        let key = try WalletKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let half: [UInt8] = Hex.decode("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")!
        for index in 0..<200 {
            let digest = Hash32(bytes: Keccak256.hash([UInt8(index & 0xff), UInt8(index >> 8)]))!
            let signature = key.sign(digest: digest)
            #expect(signature.s.lexicographicallyPrecedes(half) || signature.s == half)
            #expect(signature.recoveryID == 0 || signature.recoveryID == 1)
            #expect(WalletKey.recoverSigner(digest: digest, signature: signature) == key.address)
        }
    }
}
