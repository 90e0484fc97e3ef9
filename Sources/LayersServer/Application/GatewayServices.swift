import Foundation
import LayersCore
import LayersCredits
import LayersGateway
import LayersModels

/// Everything the handlers share: configuration, stores, registry, tiers, limiter and backends.
public struct GatewayServices: Sendable {
    public var configuration: ServerConfiguration
    public var stores: LayersStores
    public var registry: ModelRegistry
    public var tiers: TierTable
    public var limiter: RateLimiter
    /// Answers live keys (real providers).
    public var liveBackend: any ChatBackend
    /// Answers `lyr_test_` keys.
    public var sandboxBackend: any ChatBackend
    /// Reports whether the database answers (for `/health`).
    public var databaseCheck: @Sendable () async -> Bool
    /// Name of the store implementation (`postgresql` or `memory`), shown by `/health`.
    public var storageName: String
    /// The provider HTTP clients, which ``GatewayServer`` attaches to its event loops once they run.
    public var upstreamClients: [UpstreamHTTPClient]

    /// Runs and tracks settlements (background by default).
    public let settlements: SettlementScheduler
    /// Where settlements go (the ledger directly, or PostgreSQL's outage-proof queue), through the key budgets'
    /// hook (``KeyBudgetSubmitter``).
    public var settlementSubmitter: any SettlementSubmitter
    /// Each budgeted key's spend this month, in memory (``KeyBudgetTracker``).
    public let keyBudgets: KeyBudgetTracker

    let authenticator: Authenticator
    let modelMargins: ExpiringCache<String, [String: Int]>

    public init(configuration: ServerConfiguration, stores: LayersStores, registry: ModelRegistry = .builtIn,
                tiers: TierTable = .defaults, limiter: RateLimiter = RateLimiter(),
                liveBackend: any ChatBackend, sandboxBackend: any ChatBackend = SandboxBackend(),
                storageName: String = "memory", settlementSubmitter: (any SettlementSubmitter)? = nil,
                databaseCheck: @escaping @Sendable () async -> Bool = { true },
                upstreamClients: [UpstreamHTTPClient] = []) {
        let keyBudgets = KeyBudgetTracker(usage: stores.usage,
                                          holdTTL: .seconds(configuration.reservationTTLSeconds))
        self.keyBudgets = keyBudgets
        self.settlementSubmitter = KeyBudgetSubmitter(
            base: settlementSubmitter ?? LedgerSubmitter(ledger: stores.ledger), budgets: keyBudgets)
        self.configuration = configuration
        self.stores = stores
        self.registry = registry
        self.tiers = tiers
        self.limiter = limiter
        self.liveBackend = liveBackend
        self.sandboxBackend = sandboxBackend
        self.storageName = storageName
        self.databaseCheck = databaseCheck
        self.upstreamClients = upstreamClients
        self.authenticator = Authenticator(keys: stores.keys, accounts: stores.accounts, tiers: tiers,
                                           cacheSeconds: configuration.keyCacheSeconds)
        self.modelMargins = ExpiringCache(ttl: TimeInterval(max(1, configuration.keyCacheSeconds)))
        self.settlements = SettlementScheduler(mode: configuration.backgroundSettlement ? .background : .synchronous)
    }

    /// Read-your-writes before reading balances, usage or key spend: waits for the pending settlements of `userID`
    /// (all users when nil) and for the ledger's own background writes (credit leases' flushes).
    func settledWrites(of userID: UserID?) async {
        if let userID { await settlements.drain(userID: userID) } else { await settlements.drainAll() }
        await stores.ledger.synchronize()
    }

    /// The rate-limit policy for a caller.
    func rateLimitPolicy(for principal: Principal) -> RateLimitPolicy {
        let tier = principal.tier
        let configured = configuration.rateLimitPolicy(requestsPerMinute: tier.requestsPerMinute)
        return RateLimitPolicy(requestsPerMinute: tier.requestsPerMinute, burst: tier.burst ?? configured.burst)
    }

    /// The margin for `model` for this caller: per-user override, else per-model override, else the default.
    nonisolated(nonsending) func margin(for model: ModelInfo, principal: Principal) async throws -> Margin {
        var overrides = modelMargins.value(for: "")
        if overrides == nil {
            overrides = try await stores.accounts.modelMargins()
            modelMargins.store(overrides!, for: "")
        }
        let policy = MarginPolicy(
            defaultMargin: Margin(bps: Int64(configuration.defaultMarginBasisPoints)),
            modelOverrides: Dictionary((overrides ?? [:]).map { ($0.key.lowercased(), Margin(bps: Int64($0.value))) }, uniquingKeysWith: { a, _ in a }))
        return policy.margin(for: model.id, userMargin: principal.account.marginBps.map { Margin(bps: Int64($0)) },
                             keyMargin: principal.key.marginBps.map { Margin(bps: Int64($0)) })
    }

    /// The pipeline steps in front of every authenticated endpoint: authenticate, then rate limit.
    var authenticatedSteps: [any PipelineStep] {
        [AuthenticateStep(authenticator: authenticator),
         RateLimitStep(limiter: limiter, policy: { [self] in self.rateLimitPolicy(for: $0) })]
    }
}
