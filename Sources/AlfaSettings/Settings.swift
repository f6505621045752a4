import AlfaCore

/// The service's whole configuration, typed and validated. Built from a lookup so the
/// rules are tested without an environment; AlfaApp feeds it the environment and `.env`.
public struct Settings: Sendable {
    public enum LogLevel: String, Sendable, CaseIterable { case trace, debug, info, notice, warning, error, critical }
    public enum LogFormat: String, Sendable, CaseIterable { case text, json }

    public struct Database: Sendable {
        public var url: Secret?
        public var poolSize: Int
        /// A folder that replaces the built-in migrations (development); nil: the built-in ones.
        public var migrationsDirectory: String?
    }

    public struct Logging: Sendable {
        public var level: LogLevel
        public var format: LogFormat
    }

    public struct Chain: Sendable {
        public var rpcURLs: [Secret]
        public var chainID: Int64
        public var rpcTimeoutSeconds: Int64
        public var tradingCallbacks: EVMAddress
        public var tradingStorage: EVMAddress
        public var pairInfos: EVMAddress
        public var trading: EVMAddress
        public var usdc: EVMAddress
        /// Avantis' batched-market relayer (LIVE): where signed intents are submitted.
        public var relayerURL: String
        /// Extra ABI files (AVANTIS_ABI_DIR); nil: the built-in catalogue alone.
        public var abiDirectory: String?
    }

    public struct Prices: Sendable {
        /// Pyth Hermes; nil: marks come from the pairs' last fills alone.
        public var feedURL: Secret?
        public var pollSeconds: Int64
        public var maxAgeSeconds: Int64

        public init(feedURL: Secret?, pollSeconds: Int64, maxAgeSeconds: Int64) {
            self.feedURL = feedURL
            self.pollSeconds = pollSeconds
            self.maxAgeSeconds = maxAgeSeconds
        }
    }

    public struct Indexer: Sendable {
        public var startBlock: Int64?
        public var backfillRange: Int64
        public var page: Int64
        /// Pages fetched at once while far behind (final blocks only).
        public var concurrency: Int
        public var pollSeconds: Double
        public var confirmations: Int64
        public var lagWarningBlocks: Int64
        public var stallSeconds: Int64
    }

    public struct Maintenance: Sendable {
        public var dailyReportHourUTC: Int64
        public var rawLogRetentionDays: Int64
        public var rawLogArchiveDirectory: String
    }

    public struct Leaderboard: Sendable {
        public var minTrades30d: Int64
        /// USD × 1e6.
        public var minVolume30d: Int64
        public var activeHours: Int64
        public var refreshSeconds: Int64
    }

    public struct Telegram: Sendable {
        public var botToken: Secret?
        public var apiBase: String
        public var adminIDs: [Int64]
        public var alertChatIDs: [Int64]
        public var pollTimeoutSeconds: Int64
        /// Copy-action notices are grouped into one message per admin per this many seconds.
        public var noticeGroupSeconds: Int64
        /// Traders one user may watch (`/watch`).
        public var watchMaxPerUser: Int
    }

    /// The one HTTP listener of `alfa serve`: metrics, health, the read-only API and the web pages.
    public struct HTTP: Sendable {
        public struct Listen: Sendable, Equatable, CustomStringConvertible {
            public var host: String
            public var port: Int

            public init(host: String, port: Int) {
                self.host = host
                self.port = port
            }

            /// `HOST:PORT` or `[IPv6]:PORT`.
            public init?(_ text: String) {
                let host: Substring
                let port: Substring
                if text.hasPrefix("[") {
                    guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
                    host = text[text.index(after: text.startIndex)..<close]
                    port = text[text.index(close, offsetBy: 2)...]
                } else {
                    guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
                    host = text[..<colon]
                    port = text[text.index(after: colon)...]
                }
                guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
                      let number = Int(port), (0...65_535).contains(number) else { return nil }
                self.init(host: String(host), port: number)
            }

            /// Only this machine can connect.
            public var isLoopback: Bool {
                host == "localhost" || host == "::1" || host.hasPrefix("127.")
            }

            public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        }

        /// nil: no listener.
        public var listen: Listen?
        /// Required by /api/v1 and the web pages when set.
        public var token: Secret?
        /// /metrics and the health paths without the token.
        public var metricsPublic: Bool
        /// Where users reach the web leaderboard: the bot's menu button opens it as a Mini App.
        public var publicURL: String?
    }

    /// Where a LIVE key would come from. Only the LIVE executor reads it, and only in LIVE.
    public enum WalletKeySource: Sendable, Equatable {
        case none
        case inline(Secret)
        case file(String)
    }

    /// Who signs LIVE intents: a delegate registered to the trading wallet (recommended: it can
    /// trade but never withdraw or approve), or the wallet's own key.
    public enum Signer: Sendable, Equatable {
        case none
        case delegate(WalletKeySource)
        case wallet(WalletKeySource)

        /// The setting that holds the key, for messages.
        public var settingName: String {
            switch self {
            case .none: "WALLET_DELEGATE_KEY_FILE"
            case .delegate(.inline): "WALLET_DELEGATE_KEY"
            case .delegate: "WALLET_DELEGATE_KEY_FILE"
            case .wallet(.inline): "WALLET_PRIVATE_KEY"
            case .wallet: "WALLET_PRIVATE_KEY_FILE"
            }
        }
    }

    public struct Execution: Sendable {
        public var mode: ExecutionMode
        public var emergencyStop: Bool
        /// The trading wallet (WALLET_ADDRESS); with the wallet's own key it may be left unset.
        public var walletAddress: EVMAddress?
        public var signer: Signer
        /// When the delegation ends (unix seconds): the admins are warned 7 days ahead.
        public var delegateExpiresAt: Int64?

        public init(mode: ExecutionMode, emergencyStop: Bool, walletAddress: EVMAddress?, signer: Signer, delegateExpiresAt: Int64?) {
            self.mode = mode
            self.emergencyStop = emergencyStop
            self.walletAddress = walletAddress
            self.signer = signer
            self.delegateExpiresAt = delegateExpiresAt
        }

        /// Whether LIVE can be enabled at all.
        public var isLiveConfigured: Bool { signer != .none }
    }

    /// The copy section is the copy engine's policy, and the breakers' section their limits.
    public typealias Copy = CopyPolicy
    public typealias Breakers = BreakerLimits
    public typealias BreakerAction = AlfaCore.BreakerAction

    public struct Simulator: Sendable {
        public var seed: Int64
        public var traders: Int64
        public var speed: Double
        public var historyHours: Int64
        /// The fake Hermes the simulator publishes its prices to (local environment only).
        public var priceFeedURL: String?
    }

    public var database: Database
    public var logging: Logging
    public var chain: Chain
    public var indexer: Indexer
    public var prices: Prices
    public var leaderboard: Leaderboard
    public var telegram: Telegram
    public var http: HTTP
    public var execution: Execution
    public var copy: Copy
    public var breakers: Breakers
    public var simulator: Simulator
    public var maintenance: Maintenance

    /// Validates every setting, stopping at the first one that cannot be used.
    public init(lookup: @escaping (String) -> String?) throws(SettingsError) {
        var reader = SettingsReader(lookup: lookup)
        try self.init(reading: &reader)
    }

    /// A key given inline (a secret) or as a file: one of the two at most.
    private static func keySource(_ r: inout SettingsReader, inline: String, file: String) throws(SettingsError) -> WalletKeySource {
        let secret = r.secret(inline)
        let path = r.optionalString(file)
        if secret != nil, let path {
            throw SettingsError(name: file, value: path, isSecret: false, expected: "is set together with \(inline): set only one of them")
        }
        return secret.map(WalletKeySource.inline) ?? path.map(WalletKeySource.file) ?? .none
    }

    public init(reading r: inout SettingsReader) throws(SettingsError) {
        let databaseURL = r.secret("DATABASE_URL")
        if let databaseURL, !SettingsReader.hasScheme(databaseURL.value, ["postgres", "postgresql"]) {
            throw SettingsError(name: "DATABASE_URL", value: databaseURL.value, isSecret: true,
                                expected: "is not a postgres:// or postgresql:// URL")
        }
        database = Database(
            url: databaseURL,
            poolSize: Int(try r.int("DATABASE_POOL_SIZE", in: 1...64)),
            migrationsDirectory: r.optionalString("MIGRATIONS_DIR")
        )
        logging = Logging(level: try r.choice("LOG_LEVEL", as: LogLevel.self),
                          format: try r.choice("LOG_FORMAT", as: LogFormat.self))
        chain = Chain(
            rpcURLs: try r.urls("RPC_URLS", schemes: ["http", "https"]),
            chainID: try r.int("CHAIN_ID", in: 1...Int64(Int32.max)),
            rpcTimeoutSeconds: try r.int("RPC_TIMEOUT_SECONDS", in: 1...600),
            tradingCallbacks: try r.address("AVANTIS_TRADING_CALLBACKS"),
            tradingStorage: try r.address("AVANTIS_TRADING_STORAGE"),
            pairInfos: try r.address("AVANTIS_PAIR_INFOS"),
            trading: try r.address("AVANTIS_TRADING"),
            usdc: try r.address("AVANTIS_USDC"),
            relayerURL: try r.url("AVANTIS_RELAYER_URL", schemes: ["http", "https"]),
            abiDirectory: r.optionalString("AVANTIS_ABI_DIR")
        )
        prices = Prices(
            feedURL: try r.optionalURL("PRICE_FEED_URL", schemes: ["http", "https"]).map(Secret.init),
            pollSeconds: try r.int("PRICE_POLL_SECONDS", in: 1...3_600),
            maxAgeSeconds: try r.int("PRICE_MAX_AGE_SECONDS", in: 1...86_400)
        )
        indexer = Indexer(
            startBlock: try r.optionalInt("INDEXER_START_BLOCK", in: 0...Int64.max),
            backfillRange: try r.int("INDEXER_BACKFILL_RANGE", in: 1...100_000_000),
            page: try r.int("INDEXER_PAGE", in: 1...1_000_000),
            concurrency: Int(try r.int("INDEXER_CONCURRENCY", in: 1...64)),
            pollSeconds: try r.double("INDEXER_SLEEP_HTTP", in: 0.05...3600),
            confirmations: try r.int("INDEXER_CONFIRMATIONS", in: 0...10_000),
            lagWarningBlocks: try r.int("INDEXER_LAG_WARN_BLOCKS", in: 1...100_000_000),
            stallSeconds: try r.int("INDEXER_STALL_SECONDS", in: 1...86_400)
        )
        maintenance = Maintenance(
            dailyReportHourUTC: try r.int("REPORT_DAILY_HOUR_UTC", in: 0...23),
            rawLogRetentionDays: try r.int("RAW_LOG_RETENTION_DAYS", in: 1...36_500),
            rawLogArchiveDirectory: r.string("RAW_LOG_ARCHIVE_DIR")
        )
        leaderboard = Leaderboard(
            minTrades30d: try r.int("LEADER_MIN_TRADES_30D", in: 0...1_000_000),
            minVolume30d: try r.decimal("LEADER_MIN_VOLUME_30D_USD", scale: FixedPoint.usdcScale,
                                        in: 0...1_000_000_000_000_000),
            activeHours: try r.int("LEADER_ACTIVE_HOURS", in: 1...100_000),
            refreshSeconds: try r.int("LEADER_REFRESH_SECONDS", in: 1...86_400)
        )
        telegram = Telegram(
            botToken: r.secret("TELEGRAM_BOT_TOKEN"),
            apiBase: try r.url("TELEGRAM_API_BASE", schemes: ["http", "https"]),
            adminIDs: try r.ids("TELEGRAM_ADMIN_IDS"),
            alertChatIDs: try r.ids("TELEGRAM_ALERT_CHAT_IDS"),
            pollTimeoutSeconds: try r.int("TELEGRAM_POLL_TIMEOUT", in: 1...50),
            noticeGroupSeconds: try r.int("NOTIFY_GROUP_SECONDS", in: 0...3_600),
            watchMaxPerUser: Int(try r.int("WATCH_MAX_PER_USER", in: 1...1_000))
        )
        let listen = try r.listenAddress("HTTP_LISTEN")
        let token = r.secret("HTTP_TOKEN")
        if let token, token.value.count < 16 {
            throw SettingsError(name: "HTTP_TOKEN", value: token.value, isSecret: true, expected: "is shorter than 16 characters: use a long random token (openssl rand -hex 24)")
        }
        http = HTTP(listen: listen, token: token,
                    metricsPublic: try r.optionalBool("HTTP_METRICS_PUBLIC") ?? (listen?.isLoopback ?? true),
                    publicURL: try r.optionalURL("WEB_PUBLIC_URL", schemes: ["https"]))
        let walletKey = try Self.keySource(&r, inline: "WALLET_PRIVATE_KEY", file: "WALLET_PRIVATE_KEY_FILE")
        let delegateKey = try Self.keySource(&r, inline: "WALLET_DELEGATE_KEY", file: "WALLET_DELEGATE_KEY_FILE")
        let walletAddress = try r.optionalAddress("WALLET_ADDRESS")
        if delegateKey != .none, walletKey != .none {
            throw SettingsError(name: "WALLET_PRIVATE_KEY", value: "", isSecret: true,
                                expected: "is set together with a delegate key: set only one (the delegate, recommended, signs for WALLET_ADDRESS)")
        }
        if delegateKey != .none, walletAddress == nil {
            throw SettingsError(name: "WALLET_ADDRESS", value: "", isSecret: false,
                                expected: "is unset: a delegate key (WALLET_DELEGATE_KEY[_FILE]) signs for the trading wallet named there")
        }
        execution = Execution(
            mode: try r.choice("COPY_EXECUTION_MODE", as: ExecutionMode.self),
            emergencyStop: try r.bool("EMERGENCY_STOP"),
            walletAddress: walletAddress,
            signer: delegateKey != .none ? .delegate(delegateKey) : walletKey != .none ? .wallet(walletKey) : .none,
            delegateExpiresAt: try r.optionalMoment("WALLET_DELEGATE_EXPIRES_AT")
        )
        copy = Copy(
            leaders: try r.addresses("COPY_LEADERS"),
            autoTopK: try r.int("COPY_AUTO_TOP_K", in: 0...100),
            collateral: try r.decimal("COPY_COLLATERAL_USDC", scale: FixedPoint.usdcScale, in: 1...1_000_000_000_000_000),
            sizeRatio: try r.optionalDecimal("COPY_SIZE_RATIO", scale: 6, in: 1...10_000_000),
            maxLeverage: try r.decimal("COPY_MAX_LEVERAGE", scale: FixedPoint.priceScale,
                                       in: 10_000_000_000...5_000_000_000_000),
            maxOpenPositions: try r.int("COPY_MAX_OPEN_POSITIONS", in: 1...1_000),
            slippageBps: try r.int("COPY_SLIPPAGE_BPS", in: 0...5_000),
            maxSignalAgeSeconds: try r.int("COPY_MAX_SIGNAL_AGE_SECONDS", in: 1...86_400),
            orderTimeoutSeconds: try r.int("COPY_ORDER_TIMEOUT_SECONDS", in: 5...86_400),
            intentDeadlineSeconds: try r.int("COPY_INTENT_DEADLINE_SECONDS", in: 5...3_600),
            stopLossBps: try r.optionalDecimal("COPY_STOP_LOSS_PCT", scale: 2, in: 100...8_500),
            takeProfitBps: try r.optionalDecimal("COPY_TAKE_PROFIT_PCT", scale: 2, in: 100...100_000),
            liquidationAlertBps: try r.decimal("COPY_LIQUIDATION_ALERT_PCT", scale: 2, in: 10...5_000)
        )
        breakers = Breakers(
            minWinRate: try r.double("BREAKER_MIN_WIN_RATE", in: 0...1),
            winRateTrades: try r.int("BREAKER_WIN_RATE_TRADES", in: 1...10_000),
            maxDrawdownPercent: try r.double("BREAKER_MAX_DRAWDOWN_PCT", in: 0.1...100),
            maxGasSharePercent: try r.double("BREAKER_MAX_GAS_SHARE_PCT", in: 0.1...1_000),
            maxConsecutiveFailures: try r.int("BREAKER_MAX_CONSECUTIVE_FAILURES", in: 1...1_000),
            maxVolatilityMultiple: try r.double("BREAKER_MAX_VOLATILITY_MULTIPLE", in: 1...1_000),
            maxFailureRatePercent: try r.double("BREAKER_MAX_FAILURE_RATE_PCT", in: 1...100),
            failureWindowMinutes: try r.int("BREAKER_FAILURE_WINDOW_MINUTES", in: 1...1_440),
            maxSlippageSigma: try r.double("BREAKER_MAX_SLIPPAGE_SIGMA", in: 0.1...100),
            checkSeconds: try r.int("BREAKER_CHECK_SECONDS", in: 1...3_600),
            action: try r.choice("BREAKER_ACTION", as: BreakerAction.self)
        )
        simulator = Simulator(
            seed: try r.int("SIM_SEED", in: 0...Int64.max),
            traders: try r.int("SIM_TRADERS", in: 1...100_000),
            speed: try r.double("SIM_SPEED", in: 0.01...10_000),
            historyHours: try r.int("SIM_HISTORY_HOURS", in: 0...720),
            priceFeedURL: try r.optionalURL("SIM_PRICE_FEED_URL", schemes: ["http", "https"])
        )
    }
}
