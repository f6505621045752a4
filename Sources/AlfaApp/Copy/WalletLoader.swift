import AlfaChain
import AlfaCore
import Foundation

/// Loads the LIVE wallet's key from WALLET_PRIVATE_KEY or WALLET_PRIVATE_KEY_FILE. Called only
/// when LIVE is about to be used: in DRY the key is never read. Errors name the setting, never the key.
enum WalletLoader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func load(_ source: Settings.WalletKeySource) async throws -> WalletKey {
        switch source {
        case .none:
            throw Failure(description: "no wallet is configured: set WALLET_PRIVATE_KEY_FILE (or WALLET_PRIVATE_KEY)")
        case .inline(let secret):
            do { return try WalletKey(hex: secret.value) } catch {
                throw Failure(description: "WALLET_PRIVATE_KEY is refused: \(error)")
            }
        case .file(let path):
            let text = try await BlockingWorker.once("alfa-wallet-read") { () throws -> String in
                // As ssh refuses a private key others can read: a key file is for its owner alone.
                if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                    throw Failure(description: "WALLET_PRIVATE_KEY_FILE \(path) can be read by other users (mode "
                        + String(format: "%04o", mode & 0o7777) + "): run chmod 600 \(path)")
                }
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw Failure(description: "WALLET_PRIVATE_KEY_FILE \(path) cannot be read: check the path and its permissions")
                }
                return String(decoding: data, as: UTF8.self)
            }
            do { return try WalletKey(hex: text) } catch {
                throw Failure(description: "WALLET_PRIVATE_KEY_FILE \(path) is refused: \(error)")
            }
        }
    }
}
