import AlfaCore
import AlfaHTTP
import AlfaSettings
import AlfaStore
import Foundation
import Logging

/// Marks for open positions: Pyth Hermes' latest prices (`PRICE_FEED_URL`,
/// `GET /v2/updates/price/latest?ids[]=…&parsed=true`), asked for in one batch and reused for
/// `PRICE_POLL_SECONDS`; the pair's last indexed fill is the fallback. Hermes away or answering
/// nonsense costs one warning per outage, never an error: the fallback serves meanwhile.
public actor PriceFeed {
    private let settings: Settings.Prices
    private let catalogue: PairCatalogue
    private let transport: any HTTPTransport
    private let pool: PostgresPool
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private var cache: [Int32: Mark] = [:]
    private var fetchedAt: [Int32: Int64] = [:]
    /// Why the last fetch failed, while it keeps failing (for /status); nil when Hermes answers.
    private(set) var outage: String?

    /// Where marks come from now, for /status.
    public var status: String {
        guard settings.feedURL != nil else { return "the pairs' last fills (PRICE_FEED_URL unset)" }
        guard let outage else { return "Pyth Hermes" }
        return "Pyth Hermes unavailable (\(outage)): marks fall back to the pairs' last fills"
    }

    public init(settings: Settings.Prices, catalogue: PairCatalogue = .builtIn,
         transport: any HTTPTransport = CurlHTTPClient(name: "alfa-prices"), pool: PostgresPool,
         clock: @escaping @Sendable () -> Int64, logger: Logger) {
        self.settings = settings
        self.catalogue = catalogue
        self.transport = transport
        self.pool = pool
        self.clock = clock
        self.logger = logger
    }

    /// The best mark of each pair (`Mark.best`): Pyth while fresh, else the newer of Pyth and the last fill.
    public func marks(for pairs: Set<Int32>) async -> [Int32: Mark] {
        guard !pairs.isEmpty else { return [:] }
        let now = clock()
        let due = pairs.filter { now - (fetchedAt[$0] ?? .min / 2) >= settings.pollSeconds }
        if !due.isEmpty, let feed = settings.feedURL { await fetch(due, from: feed.value, now: now) }
        let fills = (try? await lastFills(Array(pairs))) ?? [:]
        var marks: [Int32: Mark] = [:]
        for pair in pairs {
            marks[pair] = Mark.best(pyth: cache[pair], lastFill: fills[pair], now: now, maxAge: settings.maxAgeSeconds)
        }
        return marks
    }

    private func fetch(_ pairs: Set<Int32>, from url: String, now: Int64) async {
        let feeds = Dictionary(pairs.compactMap { pair in catalogue.pairs[pair].map { (Self.bare($0.pythFeedID), pair) } },
                               uniquingKeysWith: { first, _ in first })
        for pair in pairs { fetchedAt[pair] = now }
        guard !feeds.isEmpty else { return }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let query = feeds.keys.sorted().map { "ids[]=0x\($0)" }.joined(separator: "&")
        do {
            let response = try await transport.send(HTTPRequest(url: base + "/v2/updates/price/latest?" + query + "&parsed=true",
                                                                timeoutSeconds: 5))
            guard response.status == 200 else { throw Unusable(description: "HTTP \(response.status)") }
            for (feed, mark) in try Self.parse(response.body) {
                if let pair = feeds[feed] { cache[pair] = mark }
            }
            if outage != nil { logger.notice("price feed answers again") }
            outage = nil
        } catch {
            // The URL may carry an API key: the error names neither it nor the URL.
            if outage == nil { logger.warning("price feed unavailable, marks fall back to the last fills", metadata: ["error": "\(error)"]) }
            outage = "\(error)"
        }
    }

    struct Unusable: Error, CustomStringConvertible { let description: String }

    /// Hermes' `parsed` entries as marks, keyed by bare feed id (lowercase hex, no 0x).
    static func parse(_ body: [UInt8]) throws -> [(feed: String, mark: Mark)] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let parsed = object["parsed"] as? [[String: Any]]
        else { throw Unusable(description: "the answer has no parsed prices") }
        return parsed.compactMap { entry in
            guard let id = entry["id"] as? String, let price = entry["price"] as? [String: Any],
                  let text = price["price"] as? String, let value = Int64(text), let expo = price["expo"] as? Int,
                  let time = (price["publish_time"] as? NSNumber)?.int64Value,
                  let mark = Mark(pythPrice: value, expo: expo, publishedAt: time)
            else { return nil }
            return (bare(id), mark)
        }
    }

    static func bare(_ feed: String) -> String { (feed.hasPrefix("0x") ? String(feed.dropFirst(2)) : feed).lowercased() }

    /// Each pair's latest indexed fill price (exact: prices stay below 2^53 at 1e10).
    private func lastFills(_ pairs: [Int32]) async throws -> [Int32: Mark] {
        let samples = try await pool.withConnection { try FillRepository().recentPrices(pairs: pairs, limit: 1, on: $0) }
        return samples.compactMapValues { $0.last.map { Mark(price: Int64($0.value), source: .lastFill, publishedAt: $0.time) } }
    }
}
