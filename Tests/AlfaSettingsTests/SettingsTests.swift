@testable import AlfaCore
import AlfaSettings
import Testing

@Suite("Settings")
struct SettingsTests {
    private func settings(_ values: [String: String]) throws(SettingsError) -> Settings {
        try Settings { values[$0] }
    }

    private func failure(_ values: [String: String]) -> String? {
        do {
            _ = try settings(values)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func defaultsAloneAreAValidConfiguration() throws {
        let settings = try settings([:])
        #expect(settings.execution.mode == .dry)
        #expect(settings.execution.emergencyStop == false)
        #expect(settings.execution.signer == .none && settings.execution.walletAddress == nil)
        #expect(settings.chain.relayerURL == "https://prod-api.avantisfi.com/batched-market")
        #expect(settings.copy.intentDeadlineSeconds == 30)
        #expect(settings.chain.chainID == 8453)
        #expect(settings.database.url == nil)
        #expect(settings.database.poolSize == 4)
        #expect(settings.indexer.startBlock == nil)
        #expect(settings.leaderboard.minTrades30d == 10)
        #expect(settings.leaderboard.minVolume30d == 100_000_000_000)
        #expect(settings.leaderboard.activeHours == 72)
        #expect(settings.leaderboard.refreshSeconds == 300)
        #expect(settings.telegram.apiBase == "https://api.telegram.org")
        #expect(settings.telegram.pollTimeoutSeconds == 50)
        #expect(settings.copy.collateral == 100_000_000)
        #expect(settings.copy.maxLeverage == 100_000_000_000)
        #expect(settings.breakers.minWinRate == 0.40)
        #expect(settings.breakers.maxSlippageSigma == 2.5)
        #expect(settings.chain.tradingCallbacks == EVMAddress(hex: "0x0c16ff40065cc3ab4bc55b60e447504afb9c7970"))
        // The policies AlfaCoreTests use as defaults (Tests/AlfaCoreTests/Support/Policies.swift).
        #expect(settings.copy == CopyPolicy(
            leaders: [], autoTopK: 5, collateral: 100_000_000, sizeRatio: nil, maxLeverage: 100_000_000_000, maxOpenPositions: 5,
            slippageBps: 50, maxSignalAgeSeconds: 60, orderTimeoutSeconds: 120, intentDeadlineSeconds: 30,
            stopLossBps: nil, takeProfitBps: nil, liquidationAlertBps: 300))
        #expect(settings.breakers == BreakerLimits(
            minWinRate: 0.40, winRateTrades: 20, maxDrawdownPercent: 15, maxGasSharePercent: 40, maxConsecutiveFailures: 5,
            maxVolatilityMultiple: 3, maxFailureRatePercent: 80, failureWindowMinutes: 15, maxSlippageSigma: 2.5, checkSeconds: 30,
            action: .stop))
    }

    @Test func theCatalogAndTheCodeReadExactlyTheSameSettings() throws {
        var reader = SettingsReader { _ in nil }
        _ = try Settings(reading: &reader)
        #expect(reader.namesRead == Set(SettingsCatalog.all.map(\.name)))
        #expect(Set(SettingsCatalog.all.map(\.name)).count == SettingsCatalog.all.count)
    }

    @Test func aBadModeNamesTheVariableTheValueAndTheChoices() {
        #expect(failure(["COPY_EXECUTION_MODE": "dry-run"]) == #"COPY_EXECUTION_MODE="dry-run" is not one of DRY, LIVE"#)
    }

    @Test(arguments: [
        (["INDEXER_PAGE": "0"], #"INDEXER_PAGE="0" is not a whole number from 1 to 1000000"#),
        (["INDEXER_PAGE": "lots"], #"INDEXER_PAGE="lots" is not a whole number from 1 to 1000000"#),
        (["CHAIN_ID": "-1"], #"CHAIN_ID="-1" is not a whole number from 1 to 2147483647"#),
        (["EMERGENCY_STOP": "maybe"], #"EMERGENCY_STOP="maybe" is not true or false"#),
        (["LOG_FORMAT": "xml"], #"LOG_FORMAT="xml" is not one of text, json"#),
        (["LOG_LEVEL": "loud"], #"LOG_LEVEL="loud" is not one of trace, debug, info, notice, warning, error, critical"#),
        (["COPY_COLLATERAL_USDC": "10.1234567"],
         #"COPY_COLLATERAL_USDC="10.1234567" is not a number from 0.000001 to 1000000000 with at most 6 decimals"#),
        (["COPY_LEADERS": "0xabc"], #"COPY_LEADERS="0xabc" has "0xabc", which is not an address (0x followed by 40 hex digits)"#),
        (["TELEGRAM_ADMIN_IDS": "12,bob"], #"TELEGRAM_ADMIN_IDS="12,bob" has "bob", which is not a numeric Telegram id"#),
        (["TELEGRAM_POLL_TIMEOUT": "90"], #"TELEGRAM_POLL_TIMEOUT="90" is not a whole number from 1 to 50"#),
        (["BREAKER_MIN_WIN_RATE": "40"], #"BREAKER_MIN_WIN_RATE="40" is not a number from 0.0 to 1.0"#),
        (["BREAKER_ACTION": "close"], #"BREAKER_ACTION="close" is not one of stop, close_all"#),
        (["AVANTIS_USDC": "usdc"], #"AVANTIS_USDC="usdc" is not an address (0x followed by 40 hex digits)"#),
        (["TELEGRAM_API_BASE": "api.telegram.org"], #"TELEGRAM_API_BASE="api.telegram.org" is not a http or https URL"#),
    ])
    func badValuesGetOneLineThatSaysWhatIsExpected(values: [String: String], message: String) {
        #expect(failure(values) == message)
    }

    @Test func secretsAreShownAsStarsInErrors() {
        #expect(failure(["DATABASE_URL": "mysql://root:hunter2@db/alfa"])
            == #"DATABASE_URL="***" is not a postgres:// or postgresql:// URL"#)
        let rpc = failure(["RPC_URLS": "https://base.example/v2/KEY123,ftp://nope"])
        #expect(rpc == #"RPC_URLS="***" has an entry that is not a http or https URL"#)
        #expect(rpc?.contains("KEY123") == false)
    }

    @Test func valuesAreParsedIntoTheirUnits() throws {
        let settings = try settings([
            "COPY_EXECUTION_MODE": "LIVE", "EMERGENCY_STOP": "yes", "COPY_COLLATERAL_USDC": "250.5",
            "COPY_MAX_LEVERAGE": "12.5", "COPY_INTENT_DEADLINE_SECONDS": "45", "COPY_SIZE_RATIO": "0.25",
            "COPY_LEADERS": " 0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970 , 0x8a311d7048c35985aa31c131b9a13e03a5f7422d ",
            "TELEGRAM_ADMIN_IDS": "11,22", "TELEGRAM_ALERT_CHAT_IDS": "-1001234567890",
            "RPC_URLS": "https://a.example/KEY,http://127.0.0.1:8545", "INDEXER_START_BLOCK": "123",
            "INDEXER_SLEEP_HTTP": "0.5", "DATABASE_URL": "postgresql://u:p@h/db",
            "WALLET_PRIVATE_KEY_FILE": "/run/secrets/wallet",
        ])
        #expect(settings.execution.mode == .live)
        #expect(settings.execution.emergencyStop)
        #expect(settings.copy.collateral == 250_500_000)
        #expect(settings.copy.maxLeverage == 125_000_000_000)
        #expect(settings.copy.intentDeadlineSeconds == 45)
        #expect(settings.copy.sizeRatio == 250_000)
        #expect(settings.copy.leaders.map(\.description) == ["0x0c16ff40065cc3ab4bc55b60e447504afb9c7970",
                                                              "0x8a311d7048c35985aa31c131b9a13e03a5f7422d"])
        #expect(settings.telegram.adminIDs == [11, 22])
        #expect(settings.telegram.alertChatIDs == [-1_001_234_567_890])
        #expect(settings.chain.rpcURLs.map(\.value) == ["https://a.example/KEY", "http://127.0.0.1:8545"])
        #expect(settings.indexer.startBlock == 123)
        #expect(settings.indexer.pollSeconds == 0.5)
        #expect(settings.database.url?.value == "postgresql://u:p@h/db")
        #expect(settings.execution.signer == .wallet(.file("/run/secrets/wallet")))
    }

    @Test func aDelegateSignsForTheWalletItNames() throws {
        let delegate = try settings(["WALLET_ADDRESS": "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
                                     "WALLET_DELEGATE_KEY_FILE": "/run/secrets/delegate", "WALLET_DELEGATE_EXPIRES_AT": "2027-01-31"])
        #expect(delegate.execution.signer == .delegate(.file("/run/secrets/delegate")))
        #expect(delegate.execution.walletAddress?.description == "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23")
        #expect(delegate.execution.delegateExpiresAt == 1_801_353_600)
        #expect(delegate.execution.isLiveConfigured)
        #expect(failure(["WALLET_DELEGATE_KEY": "0x01"])
            == #"WALLET_ADDRESS="" is unset: a delegate key (WALLET_DELEGATE_KEY[_FILE]) signs for the trading wallet named there"#)
        #expect(failure(["WALLET_ADDRESS": "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", "WALLET_DELEGATE_KEY_FILE": "/d",
                         "WALLET_PRIVATE_KEY_FILE": "/k"])
            == #"WALLET_PRIVATE_KEY="***" is set together with a delegate key: set only one (the delegate, recommended, signs for WALLET_ADDRESS)"#)
        #expect(failure(["WALLET_DELEGATE_EXPIRES_AT": "soon"])
            == #"WALLET_DELEGATE_EXPIRES_AT="soon" is not a UTC moment (2026-11-21, 2026-11-21T08:00 or unix seconds)"#)
        #expect(failure(["WALLET_ADDRESS": "0x12"]) == #"WALLET_ADDRESS="0x12" is not an address (0x followed by 40 hex digits)"#)
        #expect(failure(["AVANTIS_RELAYER_URL": "ftp://x"])?.hasPrefix(#"AVANTIS_RELAYER_URL="ftp://x""#) == true)
    }

    @Test func anEmptyValueMeansTheDefault() throws {
        #expect(try settings(["INDEXER_PAGE": "", "LOG_LEVEL": "  "]).indexer.page == 2000)
    }

    @Test func twoWalletKeySourcesAreRefused() {
        #expect(failure(["WALLET_PRIVATE_KEY": "0x01", "WALLET_PRIVATE_KEY_FILE": "/k"])
            == #"WALLET_PRIVATE_KEY_FILE="/k" is set together with WALLET_PRIVATE_KEY: set only one of them"#)
    }

    @Test func theTemplateListsEverySettingWithItsDefaultAndSecretsEmpty() {
        let template = SettingsCatalog.renderTemplate()
        for setting in SettingsCatalog.all {
            #expect(template.contains("\n\(setting.name)=\(setting.defaultValue ?? "")\n"))
        }
        #expect(template.contains("\nTELEGRAM_BOT_TOKEN=\n"))
        #expect(template.contains("[secret]"))
    }

    @Test func typosAreReportedWithTheClosestSetting() {
        let warnings = SettingsCatalog.unknownNameWarnings(["COPY_EXECUTON_MODE", "LOG_LEVEL", "ZZZ_UNRELATED_THING"], source: ".env")
        #expect(warnings == [
            ".env sets COPY_EXECUTON_MODE, which no setting reads (did you mean COPY_EXECUTION_MODE?)",
            ".env sets ZZZ_UNRELATED_THING, which no setting reads",
        ])
    }

    @Test func aSecretNeverPrintsItsValue() {
        let secret = Secret("s3cr3t")
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "***")
    }
}
