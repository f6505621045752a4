import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaSystem
import Foundation

/// Who signs LIVE intents, and for which trading wallet.
struct LiveWallet: Sendable {
    /// The trading wallet: the trader of our intents and of our fills.
    let address: EVMAddress
    let signer: WalletKey
    /// A delegate signs for `address`; otherwise the wallet signs for itself.
    let isDelegate: Bool

    var description: String {
        isDelegate ? "wallet \(address), signed by its delegate \(signer.address)" : "wallet \(address), signed by its own key"
    }
}

/// Loads the LIVE signer from WALLET_DELEGATE_KEY[_FILE] or WALLET_PRIVATE_KEY[_FILE]. Called
/// only when LIVE is about to be used: in DRY no key is read. Errors name the setting, never the key.
enum WalletLoader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func load(_ execution: Settings.Execution) async throws -> LiveWallet {
        let setting = execution.signer.settingName
        switch execution.signer {
        case .none:
            throw Failure(description: "no wallet is configured: set WALLET_ADDRESS and WALLET_DELEGATE_KEY_FILE "
                + "(a delegate, recommended), or WALLET_PRIVATE_KEY_FILE")
        case .delegate(let source):
            guard let address = execution.walletAddress else {
                throw Failure(description: "WALLET_ADDRESS is unset: the delegate key signs for that wallet")
            }
            return LiveWallet(address: address, signer: try await key(source, setting: setting), isDelegate: true)
        case .wallet(let source):
            let key = try await key(source, setting: setting)
            if let address = execution.walletAddress, address != key.address {
                throw Failure(description: "WALLET_ADDRESS \(address) is not the address of \(setting) (\(key.address))")
            }
            return LiveWallet(address: key.address, signer: key, isDelegate: false)
        }
    }

    static func key(_ source: Settings.WalletKeySource, setting: String) async throws -> WalletKey {
        switch source {
        case .none:
            throw Failure(description: "\(setting) is unset")
        case .inline(let secret):
            do { return try WalletKey(hex: secret.value) } catch {
                throw Failure(description: "\(setting) is refused: \(error)")
            }
        case .file(let path):
            let text = try await BlockingWorker.once("alfa-wallet-read") { () throws -> String in
                // As ssh refuses a private key others can read: a key file is for its owner alone.
                if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                    throw Failure(description: "\(setting) \(path) can be read by other users (mode "
                        + String(format: "%04o", mode & 0o7777) + "): run chmod 600 \(path)")
                }
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw Failure(description: "\(setting) \(path) cannot be read: check the path and its permissions")
                }
                return String(decoding: data, as: UTF8.self)
            }
            do { return try WalletKey(hex: text) } catch {
                throw Failure(description: "\(setting) \(path) is refused: \(error)")
            }
        }
    }
}
