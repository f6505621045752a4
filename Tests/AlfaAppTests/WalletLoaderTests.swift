@testable import AlfaApp
import AlfaChain
import AlfaCore
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

    @Test func aKeyFileOnlyItsOwnerCanReadIsLoaded() async throws {
        let key = try await WalletLoader.load(.file(try Self.file(mode: 0o600)))
        #expect(key.address == (try WalletKey(hex: Self.key)).address)
        _ = try await WalletLoader.load(.file(try Self.file(mode: 0o400)))
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aKeyFileOthersCanReadIsRefusedWithTheFix(mode: Int) async throws {
        let path = try Self.file(mode: mode)
        do {
            _ = try await WalletLoader.load(.file(path))
            Issue.record("mode \(String(mode, radix: 8)) was accepted")
        } catch {
            let text = "\(error)"
            #expect(text == "WALLET_PRIVATE_KEY_FILE \(path) can be read by other users (mode 0\(String(mode, radix: 8))): run chmod 600 \(path)")
            #expect(!text.contains(Self.key.dropFirst(2)))
        }
    }
}
