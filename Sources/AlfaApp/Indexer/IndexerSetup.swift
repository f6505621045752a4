import AlfaChain
import AlfaCore
import AlfaSettings
import AlfaStore
import AlfaSystem
import Logging

/// Builds the RPC client and the indexer from the settings.
public enum IndexerSetup {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "RPC_URLS is not set: the indexer needs at least one JSON-RPC endpoint of Base" }
    }

    /// The RPC client of the settings; its retries and failovers are logged by host only.
    /// `connections`: to each endpoint, as many as pages the backfill has in flight (INDEXER_CONCURRENCY).
    public static func rpc(_ chain: Settings.Chain, connections: Int, logger: Logger) throws -> JSONRPCClient {
        guard !chain.rpcURLs.isEmpty else { throw NotConfigured() }
        return JSONRPCClient(urls: chain.rpcURLs, expectedChainID: chain.chainID,
                             timeoutSeconds: Double(chain.rpcTimeoutSeconds), connections: connections) { event in
            switch event {
            case .retrying(let host, let reason, let delay):
                logger.info("RPC retry", metadata: ["host": "\(host)", "reason": "\(reason)", "delay-s": "\(delay)"])
            case .failedOver(let from, let to, let reason):
                logger.warning("RPC failover", metadata: ["from": "\(from)", "to": "\(to)", "reason": "\(reason)"])
            case .chainUnverified(let host, let reason):
                logger.warning("RPC endpoint unreachable at start; its chain id is checked before first use",
                               metadata: ["host": "\(host)", "reason": "\(reason)"])
            case .exchanged:
                Telemetry.shared.record(event)
            }
        }
    }

    public static func addresses(_ chain: Settings.Chain) -> [AvantisContract: EVMAddress] {
        [.tradingCallbacks: chain.tradingCallbacks, .tradingStorage: chain.tradingStorage, .pairInfos: chain.pairInfos]
    }

    /// The event catalogue: the built-in ABIs, plus AVANTIS_ABI_DIR's files. A file alfa cannot
    /// use is a configuration error, one line naming the file, the event and the field.
    public static func catalogue(_ chain: Settings.Chain) async throws(ConfigurationLoader.Failure) -> AvantisEventCatalogue {
        guard let directory = chain.abiDirectory else { return .builtIn }
        do {
            // Reading files blocks: not on the cooperative pool.
            return try await BlockingWorker.once("alfa-abi") { try AvantisEventCatalogue.loading(directory: directory) }
        } catch {
            throw ConfigurationLoader.Failure(description: "\(error)")
        }
    }

    public static func indexer(_ chain: Settings.Chain, _ options: Settings.Indexer, catalogue: AvantisEventCatalogue, pool: PostgresPool,
                               logger: Logger, alerts: AlertCenter? = nil, lease: Lease? = nil) throws -> Indexer {
        Indexer(rpc: try rpc(chain, connections: options.concurrency, logger: logger), pool: pool, addresses: addresses(chain),
                catalogue: catalogue, options: options, logger: logger, alerts: alerts, lease: lease)
    }
}
