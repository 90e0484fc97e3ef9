import Foundation
import LayersCore
import LayersCredits
import LayersGateway
import LayersModels
import LayersPostgres

/// Builds a running gateway's parts from its configuration: stores (PostgreSQL when `DATABASE_URL` is set, else
/// in memory), the model registry and tier table (with their override files), and the provider router.
public struct GatewayBootstrap: Sendable {
    public let configuration: ServerConfiguration
    public let stores: LayersStores
    public let storageName: String
    public let registry: ModelRegistry
    public let tiers: TierTable
    public let postgres: PostgresStore?
    /// Outage-proof settlement queue (PostgreSQL only).
    public let settlementQueue: SettlementQueue?

    /// Opens the stores. With `migrate`, pending migrations are applied first (PostgreSQL only).
    public static func open(_ configuration: ServerConfiguration, migrate: Bool = false) async throws -> GatewayBootstrap {
        var registry = ModelRegistry.builtIn
        if let path = configuration.modelsFile {
            do { registry = try registry.applying(overridesFile: path) } catch {
                throw ConfigurationError("LAYERS_MODELS_FILE", String(describing: error))
            }
        }
        var tiers = TierTable.defaults
        if let path = configuration.tiersFile {
            do { tiers = try tiers.applying(overridesFile: path) } catch {
                throw ConfigurationError("LAYERS_TIERS_FILE", String(describing: error))
            }
        }
        if let url = configuration.databaseURL {
            let pg = try await PostgresStore.connect(databaseURL: url, poolSize: configuration.databasePoolSize,
                                                     migrate: migrate)
            let ttl: Duration? = configuration.keyCacheSeconds > 0 ? .seconds(configuration.keyCacheSeconds) : nil
            var stores = pg.asStores(keyCacheTTL: ttl, groupCommit: configuration.settlementGroupCommit)
            if configuration.creditLeases {
                // Holds and settlements in memory against leases; flushes retry by themselves, so no queue.
                let policy = LeasedCreditLedger.Policy(flushInterval: .milliseconds(configuration.leaseFlushMilliseconds))
                stores.ledger = LeasedCreditLedger(store: pg, policy: policy, log: { ServerLog.error($0) })
                return GatewayBootstrap(configuration: configuration, stores: stores, storageName: "postgresql",
                                        registry: registry, tiers: tiers, postgres: pg, settlementQueue: nil)
            }
            let journal = configuration.settlementJournal.map(SettlementJournal.init(path:))
            let queue = SettlementQueue(ledger: stores.ledger, journal: journal, onDrop: { settlement, error in
                ServerLog.error("settlement of \(settlement.requestID) rejected by the database: \(error)")
            })
            return GatewayBootstrap(configuration: configuration, stores: stores, storageName: "postgresql",
                                    registry: registry, tiers: tiers, postgres: pg, settlementQueue: queue)
        }
        return GatewayBootstrap(configuration: configuration, stores: InMemoryStore().asStores(),
                                storageName: "memory", registry: registry, tiers: tiers, postgres: nil,
                                settlementQueue: nil)
    }

    /// The services of a serving gateway, with real providers for live keys.
    public func services() throws -> GatewayServices {
        let providerConfiguration: ProviderConfiguration
        do { providerConfiguration = try ProviderConfiguration.fromEnvironment(configuration.environment) } catch {
            throw ConfigurationError("providers", String(describing: error))
        }
        let router = ProviderRouter(configuration: providerConfiguration, registry: registry,
                                    http: UpstreamHTTPClient())
        let pg = postgres
        return GatewayServices(
            configuration: configuration, stores: stores, registry: registry, tiers: tiers,
            liveBackend: ProviderBackend(router: router), storageName: storageName,
            settlementSubmitter: settlementQueue.map(QueueSubmitter.init(queue:)),
            databaseCheck: { await pg?.isReachable() ?? true }, upstreamClients: [router.http])
    }

    /// Account operations (for the CLI).
    public var operations: AccountOperations { AccountOperations(stores: stores, tiers: tiers) }
}
