import AlfaApp
import AlfaBenchmarks
import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure alfa's speed against its targets.",
        subcommands: [StorageBench.self, LeaderboardBench.self, DecodeBench.self, IngestBench.self, TelegramBench.self, CopyBench.self,
                      IntentBench.self, BacktestBench.self, HTTPBench.self, FollowBench.self, BackfillBench.self]
    )

    struct StorageBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "storage",
            abstract: "Bulk-insert realistic fills through the storage layer and compare with psql \\copy.",
            discussion: "Works in a scratch schema of DATABASE_URL's database, dropped afterwards."
        )

        @Option(help: "Fill rows to insert.")
        var rows = 200_000

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            let report = try await StorageBenchmark.run(databaseURL: database.url, migrations: database.migrations, rows: rows)
            print(report.text)
        }
    }

    struct LeaderboardBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leaderboard",
            abstract: "FIFO + metrics throughput, full and incremental recompute, memory per closed trade, alfa serve's start-up and peak RSS, snapshot reads, SQL comparison.",
            discussion: "Generates realistic fills as a stream, then stores them in a scratch schema of DATABASE_URL's database (dropped afterwards) and starts alfa serve on them."
        )

        @Option(help: "Traders to simulate.")
        var traders = 10_000

        @Option(help: "Fills to generate.")
        var fills = 2_000_000

        @Flag(help: "Only the in-memory part: no database needed (for profiling).")
        var inMemory = false

        func run() async throws {
            guard (1_000...100_000_000).contains(fills) else { throw ValidationError("--fills must be from 1000 to 100000000, got \(fills)") }
            guard (1...10_000_000).contains(traders) else { throw ValidationError("--traders must be from 1 to 10000000, got \(traders)") }
            print(try await LeaderboardBenchmark.run(traders: traders, fills: fills, inMemory: inMemory))
        }
    }

    struct DecodeBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decode",
            abstract: "Raw eth_getLogs JSON → fills on one core (target: 100,000 logs/s).",
            discussion: "Generates a page shaped like Avantis traffic in memory; needs no database and no node."
        )

        @Option(help: "Executions in the page (each brings 3 or 4 logs).")
        var executions = 50_000

        @Option(help: "Comma-separated fill generations the page mixes, in equal parts (v1,v1.5 is the page of builds before v2).")
        var generations = "v1,v1.5,v2"

        func validate() throws {
            guard !mix.isEmpty, mix.allSatisfy({ ["v1", "v1.5", "v2"].contains($0) }) else {
                throw ValidationError("--generations takes v1, v1.5 and v2, comma-separated; got \(generations)")
            }
        }

        private var mix: [String] { generations.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) } }

        func run() async throws {
            print(DecodeBenchmark.run(executions: executions, generations: mix))
        }
    }

    struct IntentBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "intents",
            abstract: "Avantis v2 intents built, EIP-712 hashed, encoded and signed per second on one core.",
            discussion: "Needs no database and no node."
        )

        @Option(help: "Intents to sign.")
        var count = 20_000

        func validate() throws {
            guard (1...10_000_000).contains(count) else { throw ValidationError("--count must be from 1 to 10000000, got \(count)") }
        }

        func run() async throws {
            print(IntentBenchmark.run(count: count))
        }
    }

    struct BacktestBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest",
            abstract: "One leader's fills replayed through the copy planner and the DRY fill model (target: 100,000 fills under 100 ms on one core).",
            discussion: "Generates the leader's fills in memory; needs no database."
        )

        @Option(help: "The leader's fills.")
        var fills = 100_000

        @Option(help: "Runs to time (the median is the figure).")
        var runs = 9

        @Option(help: "Also write this leader's charts (its equity, a copy account following it, the backtest) as PNGs in this folder.")
        var charts: String?

        func validate() throws {
            guard (1...10_000_000).contains(fills) else { throw ValidationError("--fills must be from 1 to 10000000, got \(fills)") }
            guard (1...1_000).contains(runs) else { throw ValidationError("--runs must be from 1 to 1000, got \(runs)") }
        }

        func run() async throws {
            print(try BacktestBenchmark.run(fills: fills, runs: runs, chartsDirectory: charts))
        }
    }

    struct IngestBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Fills per second from the node in RPC_URLS into PostgreSQL, beside the node's own rate.",
            discussion: "Indexes from block 1 to the head into a scratch schema of DATABASE_URL's database (commands/bench starts a local node and fills it first)."
        )

        @Option(help: "Blocks per eth_getLogs request.")
        var page: Int64 = 2_000

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            print(try await IngestBenchmark.run(settings: settings, databaseURL: database.url, migrations: database.migrations, page: page))
        }
    }

    struct TelegramBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "telegram",
            abstract: "Update received → sendMessage issued for /alfa top50 over 10,000 ranked traders (target p99 ≤ 50 ms), and commands/s.",
            discussion: "Needs the fake Bot API server (commands/lib/telegram/fake_bot_api.py; commands/bench starts it) and DATABASE_URL for a scratch schema."
        )

        @Option(name: .customLong("api-base"), help: "The fake Bot API server's base URL.")
        var apiBase: String

        @Option(help: "The token the fake server accepts.")
        var token: String

        @Option(help: "Traders to simulate (10,500 leave about 10,300 ranked).")
        var traders = 10_500

        @Option(name: .customLong("latency-commands"), help: "Commands for the latency figures (sent at 20/s).")
        var latencyCommands = 400

        @Option(name: .customLong("burst-commands"), help: "Commands for the sustained rate.")
        var burstCommands = 2_000

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            print(try await TelegramBenchmark.run(apiBase: apiBase, token: token, databaseURL: database.url, migrations: database.migrations,
                                                  traders: traders, latencyCommands: latencyCommands, burstCommands: burstCommands))
        }
    }

    struct HTTPBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "http",
            abstract: "GET /api/v1/leaderboard?top=50 over 10,000 ranked traders under wrk on loopback (target ≥ 2,000 requests/s, p99 ≤ 20 ms), with /alfa top50 answered in the chat meanwhile (target p99 ≤ 50 ms).",
            discussion: "Needs wrk (apt-get install wrk) and DATABASE_URL for a scratch schema; with --api-base, the fake Bot API server (commands/bench starts it) for the chat under load."
        )

        @Option(name: .customLong("api-base"), help: "The fake Bot API server's base URL; unset: no chat under load.")
        var apiBase: String?

        @Option(help: "The token the fake server accepts.")
        var token = "1:bench"

        @Option(help: "Traders to simulate (10,500 leave about 10,300 ranked).")
        var traders = 10_500

        @Option(help: "Seconds of load.")
        var seconds = 15

        @Option(help: "wrk's open connections.")
        var connections = 32

        func validate() throws {
            guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be from 1 to 600, got \(seconds)") }
            guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be from 1 to 10000, got \(connections)") }
        }

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            var options = HTTPBenchmark.Options()
            options.traders = traders
            options.seconds = seconds
            options.connections = connections
            options.telegramAPIBase = apiBase
            options.telegramToken = token
            print(try await HTTPBenchmark.run(databaseURL: database.url, migrations: database.migrations, options: options))
        }
    }

    struct BackfillBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backfill",
            abstract: "Backfill one page at a time against INDEXER_CONCURRENCY pages in flight, the local node answering like a distant provider (target ≥ 6× with 8 in flight).",
            discussion: "Needs the local EVM in RPC_URLS with its AVANTIS_* addresses (commands/bench starts it); it mines --blocks blocks on it. DATABASE_URL for a scratch schema."
        )

        @Option(name: .customLong("latency-ms"), help: "Milliseconds every request is answered late.")
        var latency = 100

        @Option(name: .customLong("range-cap"), help: "Most blocks eth_getLogs takes (the page size too).")
        var rangeCap = 2_000

        @Option(help: "Blocks to mine and backfill.")
        var blocks = 160_000

        @Option(help: "Pages in flight for the parallel run.")
        var concurrency = 8

        func validate() throws {
            guard (0...10_000).contains(latency) else { throw ValidationError("--latency-ms must be from 0 to 10000, got \(latency)") }
            guard (1...100_000).contains(rangeCap) else { throw ValidationError("--range-cap must be from 1 to 100000, got \(rangeCap)") }
            guard (1...10_000_000).contains(blocks) else { throw ValidationError("--blocks must be from 1 to 10000000, got \(blocks)") }
            guard (2...64).contains(concurrency) else { throw ValidationError("--concurrency must be from 2 to 64, got \(concurrency)") }
        }

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            var options = BackfillBenchmark.Options()
            options.latencyMilliseconds = latency
            options.rangeCap = rangeCap
            options.blocks = blocks
            options.concurrency = concurrency
            print(try await BackfillBenchmark.run(settings: settings, databaseURL: database.url, migrations: database.migrations,
                                                  options: options))
        }
    }

    struct FollowBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow",
            abstract: "Leader's block served by the node → our DRY copy order recorded, with blocks every 2 s and trades at random moments (target p50 ≤ 0.5 s, p99 ≤ 1.2 s).",
            discussion: "Needs the local EVM in RPC_URLS with its AVANTIS_* addresses (commands/bench starts it) and DATABASE_URL for a scratch schema."
        )

        @Option(help: "Leader trades to time in each phase (a block every 2 s, half of them with a trade).")
        var trades = 20

        @Option(name: .customLong("poll"), parsing: .upToNextOption,
                help: "INDEXER_SLEEP_HTTP values to compare, seconds (default: the old 2 and the current default).")
        var polls: [Double] = []

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            let compared = polls.isEmpty ? FollowBenchmark.defaultPolls : polls
            print(try await FollowBenchmark.run(settings: settings, databaseURL: database.url, migrations: database.migrations,
                                                trades: trades, pollSeconds: compared))
        }
    }

    struct CopyBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Intents signed/s, leader fill → our intent accepted by the relayer and → our fill indexed (p50/p99), stop propagation, breaker evaluation over a long history.",
            discussion: "Needs the local EVM in RPC_URLS with AVANTIS_TRADING, the fake relayer on it in AVANTIS_RELAYER_URL (commands/bench starts both) and DATABASE_URL for a scratch schema."
        )

        @Option(help: "Leader signals to time, one at a time.")
        var signals = 200

        @Option(help: "Intents to sign for the throughput figure.")
        var signatures = 20_000

        func run() async throws {
            let settings = try await Startup.settings()
            let database = try await Startup.benchmarkDatabase(settings)
            print(try await CopyBenchmark.run(settings: settings, databaseURL: database.url, migrations: database.migrations,
                                              signals: signals, signatures: signatures))
        }
    }
}
