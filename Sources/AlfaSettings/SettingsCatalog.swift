import AlfaCore

/// Every setting alfa reads, with its default. The template, `alfa config` and the
/// validation in `Settings(lookup:)` all come from this list; a test holds them together.
public enum SettingsCatalog {
    public static let sections: [SettingSection] = [
        SettingSection(title: "Database", settings: [
            .init("DATABASE_URL", secret: true,
                  "PostgreSQL URL, postgres://USER:PASSWORD@HOST:5432/DB; commands/run starts a local cluster when unset"),
            .init("DATABASE_POOL_SIZE", default: "4", "connections in the pool, each on a thread of its own (1-64)"),
            .init("MIGRATIONS_DIR", "development only: a folder of NNNN_name.sql files applied instead of the migrations built into alfa"),
        ]),
        SettingSection(title: "Logging", settings: [
            .init("LOG_LEVEL", default: "info", "trace, debug, info, notice, warning, error or critical"),
            .init("LOG_FORMAT", default: "text", "text (one line per event) or json (one object per line)"),
        ]),
        SettingSection(title: "Chain", settings: [
            .init("RPC_URLS", secret: true, "comma-separated JSON-RPC endpoints, tried in order with failover; may hold API keys"),
            .init("CHAIN_ID", default: "8453", "chain id every endpoint must report (Base mainnet is 8453)"),
            .init("RPC_TIMEOUT_SECONDS", default: "20", "total time allowed for one JSON-RPC request"),
            .init("AVANTIS_TRADING_CALLBACKS", default: "0x0C16ff40065Cc3Ab4bc55B60E447504AFB9C7970",
                  "TradingCallbacks contract: MarketExecuted, LimitExecuted, MarketOpenCanceled"),
            .init("AVANTIS_TRADING_STORAGE", default: "0x8a311D7048c35985aa31C131B9A13e03a5f7422d",
                  "TradingStorage contract: opening-fee FeesCharged"),
            .init("AVANTIS_PAIR_INFOS", default: "0x81F22d0Cc22977c91bEfE648C9fddf1f2bd977e5",
                  "PairInfos contract: rollover and closing-fee FeesCharged"),
            .init("AVANTIS_TRADING", default: "0x44914408af82bC9983bbb330e3578E1105e11d4e",
                  "TradingRouter: the verifying contract of v2's EIP-712 intents"),
            .init("AVANTIS_USDC", default: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USDC token (6 decimals)"),
            .init("AVANTIS_RELAYER_URL", default: "https://prod-api.avantisfi.com/batched-market",
                  "Avantis' batched-market relayer (LIVE): POST /market/execute-batched takes the signed intents"),
            .init("AVANTIS_ABI_DIR", "folder of ABI JSON files named after their contract (TradingCallbacks.json, TradingStorage.json, PairInfos.json): their events are added to the built-in ones and win over them; alfa abi inspect --verify prints them for a new generation"),
        ]),
        SettingSection(title: "Prices", settings: [
            .init("PRICE_FEED_URL", secret: true,
                  "Pyth Hermes base URL for the marks of open positions (GET /v2/updates/price/latest), e.g. https://hermes.pyth.network with its API key; unset: the pairs' last fills"),
            .init("PRICE_POLL_SECONDS", default: "5", "seconds a fetched mark is reused before Hermes is asked again"),
            .init("PRICE_MAX_AGE_SECONDS", default: "60", "a mark older than this is shown as stale; the pair's last fill is used when newer"),
        ]),
        SettingSection(title: "Indexer", settings: [
            .init("INDEXER_START_BLOCK", "first block to backfill from; unset: head minus INDEXER_BACKFILL_RANGE"),
            .init("INDEXER_BACKFILL_RANGE", default: "43200", "blocks to backfill when INDEXER_START_BLOCK is unset (43200 = 1 day on Base)"),
            .init("INDEXER_PAGE", default: "2000", "blocks per eth_getLogs request at start; shrinks on provider limits, grows back"),
            .init("INDEXER_CONCURRENCY", default: "8", "pages fetched at once while the backfill is far behind (final blocks only; committed in block order); 1 fetches one at a time"),
            .init("INDEXER_SLEEP_HTTP", default: "0.25", "seconds between head polls once caught up, each one eth_blockNumber (4 a second at 0.25); a new head is indexed at once, so a leader's fill is copied within about this long after its block"),
            .init("INDEXER_CONFIRMATIONS", default: "30", "blocks deep before a fill is final (reorg window)"),
            .init("INDEXER_LAG_WARN_BLOCKS", default: "300", "lag behind the head that raises a falling-behind warning"),
            .init("INDEXER_STALL_SECONDS", default: "180", "alert when no new head was seen for this long"),
        ]),
        SettingSection(title: "Reports and maintenance", settings: [
            .init("REPORT_DAILY_HOUR_UTC", default: "8", "hour (0-23, UTC) the daily summary is sent to admins"),
            .init("RAW_LOG_RETENTION_DAYS", default: "730", "raw logs older than this are archived by alfa db optimize; fills are kept"),
            .init("RAW_LOG_ARCHIVE_DIR", default: "archive", "folder alfa db optimize writes archived raw logs to (JSON lines)"),
        ]),
        SettingSection(title: "Leaderboard", settings: [
            .init("LEADER_MIN_TRADES_30D", default: "10", "closed trades in 30 days needed to be ranked"),
            .init("LEADER_MIN_VOLUME_30D_USD", default: "100000", "notional volume in 30 days needed to be ranked, in USD"),
            .init("LEADER_ACTIVE_HOURS", default: "72", "last trade must be within this many hours to be ranked"),
            .init("LEADER_REFRESH_SECONDS", default: "300", "seconds between leaderboard refreshes"),
        ]),
        SettingSection(title: "Telegram", settings: [
            .init("TELEGRAM_BOT_TOKEN", secret: true, "bot token from @BotFather; unset: the console chat is used instead"),
            .init("TELEGRAM_API_BASE", default: "https://api.telegram.org", "Bot API base URL"),
            .init("TELEGRAM_ADMIN_IDS", "comma-separated Telegram user ids allowed to run admin commands"),
            .init("TELEGRAM_ALERT_CHAT_IDS", "comma-separated extra chat ids (groups) that receive admin alerts"),
            .init("NOTIFY_GROUP_SECONDS", default: "60", "copy-action notices (opened, closed, skipped, failed; /notify) reaching an admin within this many seconds of the last are grouped into one message"),
            .init("WATCH_MAX_PER_USER", default: "20", "traders one chat user may /watch (1-1000); each of their fills is pushed to the user"),
            .init("TELEGRAM_POLL_TIMEOUT", default: "50", "long-poll timeout in seconds (1-50)"),
        ]),
        SettingSection(title: "HTTP (metrics, health, API, web leaderboard)", settings: [
            .init("HTTP_LISTEN", default: "127.0.0.1:9464",
                  "HOST:PORT alfa serve listens on for /metrics, /healthz, /readyz, /api/v1 and the web leaderboard ([::1]:9464 for IPv6, port 0 picks a free one); set it empty to turn the listener off"),
            .init("HTTP_TOKEN", secret: true, "when set, /api/v1 requires Authorization: Bearer TOKEN, and so do /metrics and the health paths unless HTTP_METRICS_PUBLIC; at least 16 characters. The web pages stay public"),
            .init("HTTP_METRICS_PUBLIC", "whether /metrics, /healthz and /readyz are served without the token; unset: true when HTTP_LISTEN is a loopback address, false otherwise"),
            .init("WEB_PUBLIC_URL", "https URL where users reach the web leaderboard (behind your TLS proxy); when set, the bot's menu button opens it as a Telegram Mini App"),
        ]),
        SettingSection(title: "Execution mode", settings: [
            .init("COPY_EXECUTION_MODE", default: "DRY", "DRY simulates copy orders, LIVE signs and sends them"),
            .init("EMERGENCY_STOP", default: "false", "true forces the emergency stop at start, whatever was persisted"),
            .init("WALLET_ADDRESS", "the trading wallet LIVE copies into (its USDC, its positions); needed with a delegate key"),
            .init("WALLET_DELEGATE_KEY", secret: true, "hex key of a delegate registered to WALLET_ADDRESS (recommended: it can trade, never withdraw or approve); prefer WALLET_DELEGATE_KEY_FILE"),
            .init("WALLET_DELEGATE_KEY_FILE", "file holding the delegate's hex key (LIVE only); refused when others can read it (chmod 600)"),
            .init("WALLET_DELEGATE_EXPIRES_AT", "when the delegation ends (UTC, 2026-12-31 or unix seconds): admins are warned 7 days ahead"),
            .init("WALLET_PRIVATE_KEY", secret: true, "hex private key of the trading wallet itself, instead of a delegate (LIVE only); prefer WALLET_PRIVATE_KEY_FILE"),
            .init("WALLET_PRIVATE_KEY_FILE", "file holding the trading wallet's hex private key (LIVE only); refused when others can read it (chmod 600)"),
        ]),
        SettingSection(title: "Copy engine", settings: [
            .init("COPY_LEADERS", "comma-separated leader addresses to copy; unset: the top COPY_AUTO_TOP_K of the leaderboard"),
            .init("COPY_AUTO_TOP_K", default: "5", "leaders taken from the leaderboard when COPY_LEADERS is unset (0 = none)"),
            .init("COPY_COLLATERAL_USDC", default: "100", "collateral per copied open, in USDC"),
            .init("COPY_SIZE_RATIO", "when set, size copies at this fraction of the leader's collateral instead"),
            .init("COPY_MAX_LEVERAGE", default: "10", "leverage cap for copied positions"),
            .init("COPY_MAX_OPEN_POSITIONS", default: "5", "most copied positions open at once"),
            .init("COPY_SLIPPAGE_BPS", default: "50", "allowed slippage in basis points (50 = 0.5 %)"),
            .init("COPY_MAX_SIGNAL_AGE_SECONDS", default: "60", "leader fills older than this are skipped, not copied"),
            .init("COPY_ORDER_TIMEOUT_SECONDS", default: "120", "admins are alerted (once) about a LIVE order still unanswered by the relayer or the chain after this"),
            .init("COPY_STOP_LOSS_PCT", "our own stop-loss on each copied open, as a loss in percent of its collateral (1-85: Avantis liquidates at 85); unset: none"),
            .init("COPY_TAKE_PROFIT_PCT", "our own take-profit on each copied open, as a gain in percent of its collateral (1-1000); unset: none"),
            .init("COPY_LIQUIDATION_ALERT_PCT", default: "3", "admins are alerted (once, again after it moved away) when a copied position's mark comes within this percent of its liquidation price"),
            .init("COPY_INTENT_DEADLINE_SECONDS", default: "30", "how long a signed LIVE intent stays valid; past it, with no fill on chain, the order is expired for certain"),
        ]),
        SettingSection(title: "Circuit breakers", settings: [
            .init("BREAKER_MIN_WIN_RATE", default: "0.40", "trip when the win rate of the last BREAKER_WIN_RATE_TRADES copy trades is below this"),
            .init("BREAKER_WIN_RATE_TRADES", default: "20", "copy trades in the win-rate window"),
            .init("BREAKER_MAX_DRAWDOWN_PCT", default: "15", "trip when the copy account's drawdown from peak exceeds this percent"),
            .init("BREAKER_MAX_GAS_SHARE_PCT", default: "40", "trip when gas exceeds this percent of gross profit"),
            .init("BREAKER_MAX_CONSECUTIVE_FAILURES", default: "5", "trip after this many failed executions in a row"),
            .init("BREAKER_MAX_VOLATILITY_MULTIPLE", default: "3", "trip when volatility exceeds this multiple of its normal level"),
            .init("BREAKER_MAX_FAILURE_RATE_PCT", default: "80", "trip when this percent of executions failed within the failure window"),
            .init("BREAKER_FAILURE_WINDOW_MINUTES", default: "15", "window of the failure-rate breaker, in minutes"),
            .init("BREAKER_MAX_SLIPPAGE_SIGMA", default: "2.5", "trip when slippage is beyond this many standard deviations of its history"),
            .init("BREAKER_CHECK_SECONDS", default: "30", "seconds between timed breaker evaluations"),
            .init("BREAKER_ACTION", default: "stop", "what a tripped breaker does: stop (the emergency stop; positions stay open and still follow the leaders' closes once trading resumes) or close_all (the stop, then every copied position closed at market)"),
        ]),
        SettingSection(title: "Local market simulator", settings: [
            .init("SIM_SEED", default: "42", "seed of the local market simulator (same seed, same market)"),
            .init("SIM_TRADERS", default: "300", "simulated traders on the local chain"),
            .init("SIM_SPEED", default: "10", "market minutes per wall-clock minute once the history is written (1 = real time)"),
            .init("SIM_HISTORY_HOURS", default: "48", "hours of market history a new local chain starts with, written as fast as it takes them"),
            .init("SIM_PRICE_FEED_URL", "local environment: the fake Pyth Hermes the simulator publishes its prices to every simulated minute (commands/run sets it with PRICE_FEED_URL); unset: none"),
        ]),
    ]

    public static let all: [SettingDefinition] = sections.flatMap(\.settings)

    public static func definition(named name: String) -> SettingDefinition? {
        all.first { $0.name == name }
    }

    /// `docs/configuration.md`: every setting, its default, what it changes and whether it is a secret.
    public static func renderMarkdown() -> String {
        var lines = [
            "# Configuration",
            "",
            "<!-- Generated by `alfa config --markdown > docs/configuration.md`; a test keeps it equal to the code. -->",
            "",
            "alfa reads every setting from the environment first, then from a `.env` file in its working directory,",
            "then from the defaults below. `alfa config` prints the effective values (secrets as `***`); `alfa check`",
            "verifies them against the database, the chain and Telegram. A value out of range stops alfa at start",
            "with the setting's name, the value and what is expected. Secrets are never logged or printed.",
            "",
            "`commands/run` starts local peers for what is unset: PostgreSQL for `DATABASE_URL`, the local chain",
            "(and its simulator) for `RPC_URLS`, the console chat for `TELEGRAM_BOT_TOKEN`. For the local chain it",
            "sets `CHAIN_ID`, the `AVANTIS_*` addresses, `INDEXER_START_BLOCK`, a local fake relayer (`AVANTIS_RELAYER_URL`),",
            "a throwaway `WALLET_ADDRESS` with a delegate registered to it (`WALLET_DELEGATE_KEY_FILE`) and",
            "`LEADER_REFRESH_SECONDS=20` itself.",
        ]
        for section in sections {
            lines += ["", "## \(section.title)", "", "| Setting | Default | What it changes |", "|---|---|---|"]
            for setting in section.settings {
                let name = "`\(setting.name)`" + (setting.isSecret ? " **secret**" : "")
                let value = setting.defaultValue.map { $0.isEmpty ? "(empty)" : "`\($0)`" } ?? "(unset)"
                lines.append("| \(name) | \(value) | \(setting.summary.replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `env.production.template`: every setting with its comment and default.
    public static func renderTemplate() -> String {
        var lines = [
            "# alfa settings. Copy to .env (cp env.production.template .env) or set them in the environment;",
            "# real environment variables win over .env. Secrets are marked [secret] and are never printed.",
        ]
        for section in sections {
            lines.append("")
            lines.append("# --- \(section.title) ---")
            for setting in section.settings {
                let marker = setting.isSecret ? " [secret]" : ""
                lines.append("# \(setting.summary)\(marker)")
                lines.append("\(setting.name)=\(setting.defaultValue ?? "")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
