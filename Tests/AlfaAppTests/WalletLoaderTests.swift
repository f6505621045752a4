@testable import AlfaApp
import AlfaChain
import AlfaCore
import AlfaSettings
import Foundation
import Testing

@Suite("Wallet key files")
struct WalletLoaderTests {
    static let key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

    static func file(mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alfa-key-\(UUID())").path
        try Self.key.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    static func execution(_ signer: Settings.Signer, wallet: String? = nil) -> Settings.Execution {
        Settings.Execution(mode: .live, emergencyStop: false, walletAddress: wallet.flatMap { EVMAddress(hex: $0) }, signer: signer,
                           delegateExpiresAt: nil)
    }

    @Test func aKeyFileOnlyItsOwnerCanReadIsLoaded() async throws {
        let wallet = try await WalletLoader.load(Self.execution(.wallet(.file(try Self.file(mode: 0o600)))))
        #expect(wallet.address == (try WalletKey(hex: Self.key)).address && !wallet.isDelegate)
        _ = try await WalletLoader.load(Self.execution(.wallet(.file(try Self.file(mode: 0o400)))))
    }

    @Test func aDelegateSignsForTheWalletNamedAndAWalletKeyMustBeThatWallet() async throws {
        let other = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"
        let delegated = try await WalletLoader.load(Self.execution(.delegate(.file(try Self.file(mode: 0o600))), wallet: other))
        #expect(delegated.isDelegate && delegated.address.description == other)
        #expect(delegated.signer.address == (try WalletKey(hex: Self.key)).address)
        #expect(delegated.description.contains("signed by its delegate"))
        do {
            _ = try await WalletLoader.load(Self.execution(.wallet(.inline(Secret(Self.key))), wallet: other))
            Issue.record("a wallet key for another wallet was accepted")
        } catch {
            #expect("\(error)".hasPrefix("WALLET_ADDRESS \(other) is not the address of WALLET_PRIVATE_KEY"))
            #expect(!"\(error)".contains(Self.key.dropFirst(2)))
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aKeyFileOthersCanReadIsRefusedWithTheFix(mode: Int) async throws {
        let path = try Self.file(mode: mode)
        do {
            _ = try await WalletLoader.load(Self.execution(.delegate(.file(path)), wallet: "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"))
            Issue.record("mode \(String(mode, radix: 8)) was accepted")
        } catch {
            let text = "\(error)"
            #expect(text == "WALLET_DELEGATE_KEY_FILE \(path) can be read by other users (mode 0\(String(mode, radix: 8))): run chmod 600 \(path)")
            #expect(!text.contains(Self.key.dropFirst(2)))
        }
    }
}
