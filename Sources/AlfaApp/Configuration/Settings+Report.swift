import AlfaCore
import AlfaSettings

extension Settings {
    /// `alfa config`: every setting's effective value, secrets as `***`, unset ones marked.
    public static func renderEffective(lookup: (String) -> String?) -> String {
        var lines: [String] = []
        for section in SettingsCatalog.sections {
            lines.append("# \(section.title)")
            for setting in section.settings {
                let given = lookup(setting.name).flatMap { $0.isEmpty ? nil : $0 }
                let value = given ?? setting.defaultValue
                let shown: String
                switch (value, setting.isSecret) {
                case (nil, _): shown = "(unset)"
                case (_, true): shown = "***"
                case (let value?, false): shown = value
                }
                let origin = given == nil && value != nil ? "  (default)" : ""
                lines.append("\(setting.name)=\(shown)\(origin)")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// What `alfa serve` can do with this configuration, and what is missing for the rest.
    public var readiness: [(part: String, ready: Bool, detail: String)] {
        [
            ("database", database.url != nil,
             database.url != nil ? "DATABASE_URL is set" : "DATABASE_URL is not set (commands/run starts a local cluster)"),
            ("chain", !chain.rpcURLs.isEmpty,
             chain.rpcURLs.isEmpty ? "RPC_URLS is not set: no indexing"
                : "\(chain.rpcURLs.count) RPC endpoint(s), chain id \(chain.chainID)"),
            ("telegram", telegram.botToken != nil,
             telegram.botToken == nil ? "TELEGRAM_BOT_TOKEN is not set: console chat only"
                : "bot token set, \(telegram.adminIDs.count) admin(s)"),
            ("admins", !telegram.adminIDs.isEmpty,
             telegram.adminIDs.isEmpty ? "TELEGRAM_ADMIN_IDS is empty: nobody can run admin commands in Telegram"
                : "\(telegram.adminIDs.count) admin id(s)"),
            ("execution", true,
             "mode \(execution.mode.rawValue)\(execution.emergencyStop ? ", EMERGENCY STOP forced by EMERGENCY_STOP" : "")"),
            ("wallet", execution.isLiveConfigured, execution.signerSummary),
            ("http", http.listen != nil,
             http.listen.map { "listening on \($0): /metrics, /healthz, /readyz, /api/v1 (\(http.token == nil ? "no token" : "token required")), web pages"
                 + (http.publicURL.map { ", Mini App at \($0)" } ?? "") } ?? "HTTP_LISTEN is empty: no metrics, health checks, API or web pages"),
            ("leaders", !copy.leaders.isEmpty || copy.autoTopK > 0,
             copy.leaders.isEmpty ? "following the leaderboard's top \(copy.autoTopK)" : "\(copy.leaders.count) leader(s) from COPY_LEADERS"),
        ]
    }
}

extension Settings.Execution {
    /// Which LIVE signing mode is configured, for `alfa check` and the README's advice.
    var signerSummary: String {
        let wallet = walletAddress.map { "wallet \($0)" } ?? "the wallet"
        switch signer {
        case .none:
            return "no signer: LIVE mode cannot be enabled (set WALLET_ADDRESS and WALLET_DELEGATE_KEY_FILE)"
        case .delegate:
            let expiry = delegateExpiresAt.map { ", delegation ends \(CivilDate.isoTime(unixSeconds: $0))" } ?? ""
            return "delegate key signs for \(wallet) (recommended: it cannot withdraw or approve)\(expiry); not loaded in DRY"
        case .wallet:
            return "the wallet's own private key signs (it can also withdraw: a delegate key is recommended); not loaded in DRY"
        }
    }
}
