import AlfaApp
import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import AlfaTelegram
import Foundation
import Logging
import Synchronization

/// `alfa bench telegram`: from an update received to its `sendMessage` issued, for
/// `/alfa top50` over a snapshot of 10,000 ranked traders, against the fake Bot API server
/// (commands/bench starts it). Latency at a steady 20 commands/s within the flood limits,
/// then sustained commands/s with pacing off (the bot's own capacity; Telegram caps a bot
/// at ~30 messages/s).
public enum TelegramBenchmark {
    public static func run(apiBase: String, token: String, databaseURL: String, migrations: [Migration],
                           traders: Int, latencyCommands: Int, burstCommands: Int) async throws -> String {
        try await ScratchSchema.withPool(databaseURL, migrations: migrations, prefix: "alfa_telegram", poolSize: 4) { pool in
            try await measure(apiBase: apiBase, token: token, pool: pool, traders: traders,
                              latencyCommands: latencyCommands, burstCommands: burstCommands)
        }
    }

    /// A snapshot of `traders` ranked traders (20 fills each); returns how many are ranked.
    static func seedBoard(_ pool: PostgresPool, traders: Int) async throws -> Int {
        var generator = FillGenerator(seed: 11, traderCount: traders, secondsPerFill: 2, openPositionsTarget: traders / 2)
        let fills = generator.generate(count: traders * 20)
        try await pool.transaction { try FillRepository().insert(fills, on: $0) }
        let gates = EligibilityGates(minTrades30d: 1, minVolume30d: 0, activeHours: 24 * 365)
        _ = try await LeaderboardRefresher(pool: pool, gates: gates).refresh(asOf: generator.time)
        return try await pool.withConnection { try LeaderboardRepository().latest(on: $0)?.eligible ?? 0 }
    }

    /// Runs a bot while `/alfa top50` arrives in batches (each command from a new user), `pause`
    /// apart; the fake server enforces the flood limits when the bot paces.
    static func phase(apiBase: String, token: String, pool: PostgresPool, limits: FloodPacer.Limits, batches: [Int], pause: Duration,
                      firstUser: Int64 = 1_000_000) async throws -> Probe {
        let control = FakeBotServer(base: apiBase)
        let values = ["TELEGRAM_API_BASE": apiBase, "TELEGRAM_POLL_TIMEOUT": "1", "LOG_LEVEL": "warning"]
        let settings = try Settings(lookup: { values[$0] })
        var quiet = Logger(label: "alfa.bench.telegram")
        quiet.logLevel = .error
        try await control.post("flood", #"{"enforce":\#(limits.perChatInterval > 0)}"#)
        let probe = Probe()
        let bot = TelegramBot(settings: settings, token: Secret(token), pool: pool, limits: limits,
                              sendingTransport: probe.transport(), logger: quiet, onUpdate: probe.received)
        let running = Task { try await bot.run() }
        try await Task.sleep(for: .milliseconds(500))
        var user = firstUser
        for size in batches {
            let users = (0..<size).map { _ in user += 1; return user }
            probe.expect(try await control.push(users.map { ("/alfa top50", $0) }), users: users)
            try await Task.sleep(for: pause)
        }
        try await probe.waitForAll(seconds: 120)
        running.cancel()
        _ = await running.result
        return probe
    }

    /// `/alfa top50` at a steady 20 commands/s within the flood limits: each update's latency, sorted.
    static func steadyLatencies(apiBase: String, token: String, pool: PostgresPool, commands: Int, firstUser: Int64 = 1_000_000)
        async throws -> [Double] {
        try await phase(apiBase: apiBase, token: token, pool: pool, limits: .telegram, batches: Array(repeating: 10, count: commands / 10),
                        pause: .milliseconds(500), firstUser: firstUser).latencies()
    }

    private static func measure(apiBase: String, token: String, pool: PostgresPool, traders: Int,
                                latencyCommands: Int, burstCommands: Int) async throws -> String {
        let ranked = try await seedBoard(pool, traders: traders)
        // Steady traffic within the flood limits, then a burst with pacing off on both sides.
        let latencies = try await steadyLatencies(apiBase: apiBase, token: token, pool: pool, commands: latencyCommands)
        let violations = try await FakeBotServer(base: apiBase).floodViolations()
        let unpaced = FloodPacer.Limits(perChatInterval: 0, perGroupPerMinute: 1_000_000, overallPerSecond: 1_000_000)
        let burst = stride(from: 0, to: burstCommands, by: 500).map { min(500, burstCommands - $0) }
        let span = try await phase(apiBase: apiBase, token: token, pool: pool, limits: unpaced, batches: burst, pause: .zero,
                                   firstUser: 2_000_000).span()

        func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
        return """
            telegram: /alfa top50 over a snapshot of \(ranked) ranked traders (fake Bot API server on loopback)
              update received → sendMessage issued, \(latencies.count) commands at 20/s within the flood limits:
                p50 \(ms(BenchFigures.percentile(latencies, 0.50))), p99 \(ms(BenchFigures.percentile(latencies, 0.99))), max \(ms(latencies.last ?? 0)) (target p99 ≤ 50 ms); 429s from the server: \(violations)
              sustained, \(burstCommands) commands at once, pacing off: \(Int(Double(burstCommands) / span)) commands/s \
            (\(String(format: "%.2f", span)) s from the first update received to the last reply issued)
            """
    }

    /// Times updates in and replies out, matched by the chat each command came from.
    final class Probe: Sendable {
        private struct State {
            var chatOfUpdate: [Int64: Int64] = [:]
            var receivedAt: [Int64: Double] = [:]   // by update id (it may arrive before `expect`)
            var sentAt: [Int64: Double] = [:]       // by chat, first reply only
        }
        private let state = Mutex(State())

        static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

        func expect(_ ids: [Int64], users: [Int64]) {
            state.withLock { for (id, user) in zip(ids, users) { $0.chatOfUpdate[id] = user } }
        }

        var received: @Sendable (Int64) -> Void {
            { id in
                let time = Self.now()
                self.state.withLock { $0.receivedAt[id] = time }
            }
        }

        func sent(chat: Int64) {
            let time = Self.now()
            state.withLock { if $0.sentAt[chat] == nil { $0.sentAt[chat] = time } }
        }

        func transport() -> any HTTPTransport { MeasuringTransport(probe: self) }

        func waitForAll(seconds: Double) async throws {
            let deadline = Self.now() + seconds
            while state.withLock({ $0.sentAt.count < $0.chatOfUpdate.count }), Self.now() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func latencies() -> [Double] {
            state.withLock { s in
                s.receivedAt.compactMap { id, received in s.chatOfUpdate[id].flatMap { s.sentAt[$0] }.map { $0 - received } }.sorted()
            }
        }

        func span() -> Double {
            state.withLock { s in (s.sentAt.values.max() ?? 0) - (s.receivedAt.values.min() ?? 0) }
        }
    }

    /// The libcurl client, noting when each `sendMessage` leaves and for which chat.
    struct MeasuringTransport: HTTPTransport {
        let probe: Probe
        let client = CurlHTTPClient(name: "tg-send")

        func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
            if request.url.hasSuffix("/sendMessage"),
               let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
               let chat = body["chat_id"] as? Int {
                probe.sent(chat: Int64(chat))
            }
            return try await client.send(request)
        }
    }

    /// The fake server's control endpoints.
    struct FakeBotServer {
        let base: String
        let client = CurlHTTPClient(name: "tg-control")

        @discardableResult
        func post(_ action: String, _ body: String) async throws -> [UInt8] {
            let response = try await client.send(HTTPRequest(method: "POST", url: "\(base)/control/\(action)",
                                                             headers: ["Content-Type": "application/json"], body: Array(body.utf8)))
            guard response.status == 200 else { throw BenchmarkError("the fake Bot API server answered \(response.status) to \(action)") }
            return response.body
        }

        func push(_ messages: [(text: String, user: Int64)]) async throws -> [Int64] {
            let updates = messages.map { #"{"text":"\#($0.text)","user":\#($0.user)}"# }.joined(separator: ",")
            struct Reply: Decodable { let result: [Int64] }
            return try JSONDecoder().decode(Reply.self, from: Data(try await post("push", #"{"updates":[\#(updates)]}"#))).result
        }

        func floodViolations() async throws -> Int {
            struct Reply: Decodable { struct State: Decodable { let flood_violations: Int }; let result: State }
            return try JSONDecoder().decode(Reply.self, from: Data(try await post("state", "{}"))).result.flood_violations
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
