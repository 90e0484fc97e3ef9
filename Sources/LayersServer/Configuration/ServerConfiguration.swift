/// Everything `layers-server` needs to know at start-up, parsed and validated once.
///
/// ```swift
/// let source = try ConfigurationSource.load(environment: ProcessInfo.processInfo.environment)
/// let config = try ServerConfiguration(source)
/// ```
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var httpThreads: Int?
    /// Run provider calls on the HTTP event loops (curl's socket interface) instead of the upstream client's
    /// own thread (`LAYERS_UPSTREAM_ON_EVENT_LOOPS`).
    public var upstreamOnEventLoops: Bool
    public var adminToken: String?
    public var corsOrigins: [String]
    public var accessLog: Bool
    public var shutdownGraceSeconds: Int
    public var maxBodyBytes: Int
    /// The HTTP server's connection, size and time limits (`LAYERS_HTTP_*`; see docs/http-server.md).
    public var httpLimits: HTTPLimits

    public var databaseURL: String?
    public var databasePoolSize: Int
    public var keyCacheSeconds: Int
    public var reservationTTLSeconds: Int
    /// Settle after answering (true) or before (false).
    public var backgroundSettlement: Bool
    /// File where settlements queued during a database outage are kept across a crash.
    public var settlementJournal: String?
    /// Write concurrent settlements in shared PostgreSQL transactions (one WAL flush per batch).
    public var settlementGroupCommit: Bool
    /// Place a comfortably covered hold while the provider is already called (see ``ReserveStep``).
    public var overlapReservation: Bool
    /// Hold and settle in memory against per-user credit leases, writing settlements in bulk (PostgreSQL only;
    /// see `LeasedCreditLedger`). false: one PostgreSQL transaction per hold and per settlement.
    public var creditLeases: Bool
    /// How long settlements wait to be written together when `creditLeases` is on.
    public var leaseFlushMilliseconds: Int

    /// Default markup in basis points (6000 = 60% = cost x 1.6).
    public var defaultMarginBasisPoints: Int
    /// Largest estimate a single request may have, in micro-credits.
    public var maxMicroCreditsPerRequest: Int64
    public var maxMessages: Int
    public var maxMessageCharacters: Int
    /// Bucket size in seconds of the tier's sustained rate.
    public var rateLimitBurstSeconds: Int
    public var tiersFile: String?
    public var modelsFile: String?
    public var providersFile: String?

    /// The merged settings (file + environment), handed on to the provider configuration.
    public var environment: [String: String]

    /// Defaults for tests and embedding: loopback, ephemeral port, in-memory stores.
    public static func testing(adminToken: String? = nil) -> ServerConfiguration {
        // Cannot throw: the empty source has no invalid values.
        var c = try! ServerConfiguration(ConfigurationSource(environment: [:]))
        c.host = "127.0.0.1"
        c.port = 0
        c.adminToken = adminToken
        c.accessLog = false
        c.backgroundSettlement = false
        return c
    }

    public init(_ source: ConfigurationSource) throws {
        host = source["LAYERS_HOST"] ?? "0.0.0.0"
        let portSource = source["LAYERS_PORT"] != nil ? "LAYERS_PORT" : "PORT"
        port = try source.int(portSource, default: 3700, range: 0...65535)
        httpThreads = source["LAYERS_HTTP_THREADS"] == nil ? nil
            : try source.int("LAYERS_HTTP_THREADS", default: 1, range: 1...256)
        upstreamOnEventLoops = try source.bool("LAYERS_UPSTREAM_ON_EVENT_LOOPS", default: false)
        adminToken = source["LAYERS_ADMIN_TOKEN"]
        if let t = adminToken, t.utf8.count < 16 {
            throw ConfigurationError("LAYERS_ADMIN_TOKEN", "must be at least 16 characters")
        }
        let origins = source["LAYERS_CORS_ORIGINS"] ?? source["ALLOWED_ORIGINS"] ?? ""
        corsOrigins = origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        accessLog = try source.bool("LAYERS_ACCESS_LOG", default: true)
        shutdownGraceSeconds = try source.int("LAYERS_SHUTDOWN_GRACE_SECONDS", default: 30, range: 0...3600)
        maxBodyBytes = try source.int("LAYERS_MAX_BODY_BYTES", default: 32 << 20, range: 1024...(1 << 30))
        httpLimits = try HTTPLimits(source)

        databaseURL = source["DATABASE_URL"]
        databasePoolSize = try source.int("LAYERS_DB_POOL_SIZE", default: 8, range: 1...500)
        keyCacheSeconds = try source.int("LAYERS_KEY_CACHE_SECONDS", default: 5, range: 0...3600)
        switch source["LAYERS_SETTLEMENT"]?.lowercased() ?? "background" {
        case "background", "async": backgroundSettlement = true
        case "sync", "synchronous": backgroundSettlement = false
        case let other: throw ConfigurationError("LAYERS_SETTLEMENT", "must be background or sync, got \"\(other)\"")
        }
        settlementJournal = source["LAYERS_SETTLEMENT_JOURNAL"]
        settlementGroupCommit = try source.bool("LAYERS_SETTLEMENT_GROUP_COMMIT", default: true)
        overlapReservation = try source.bool("LAYERS_OVERLAP_RESERVATION", default: true)
        creditLeases = try source.bool("LAYERS_CREDIT_LEASES", default: true)
        leaseFlushMilliseconds = try source.int("LAYERS_LEASE_FLUSH_MS", default: 50, range: 1...10_000)
        reservationTTLSeconds = try source.int("LAYERS_RESERVATION_TTL_SECONDS", default: 900, range: 10...86400)

        // Percent with up to two decimals -> basis points, exactly.
        defaultMarginBasisPoints = Int(try source.fixedPoint(
            "LAYERS_DEFAULT_MARGIN_PERCENT", default: 6000, scale: 2, max: 100_000))
        maxMicroCreditsPerRequest = try source.fixedPoint(
            "LAYERS_MAX_CREDITS_PER_REQUEST", default: 100_000_000, scale: 6, max: Int64(1) << 52)
        maxMessages = try source.int("LAYERS_MAX_MESSAGES", default: 100, range: 1...100_000)
        maxMessageCharacters = try source.int("LAYERS_MAX_MESSAGE_CHARS", default: 100_000, range: 1...(1 << 30))
        rateLimitBurstSeconds = try source.int("LAYERS_RATE_LIMIT_BURST_SECONDS", default: 60, range: 1...86400)
        tiersFile = source["LAYERS_TIERS_FILE"]
        modelsFile = source["LAYERS_MODELS_FILE"]
        providersFile = source["LAYERS_PROVIDERS_FILE"]
        environment = source.values
    }

    /// The rate-limit policy for a tier allowing `requestsPerMinute`.
    public func rateLimitPolicy(requestsPerMinute: Int) -> RateLimitPolicy {
        RateLimitPolicy(requestsPerMinute: requestsPerMinute,
                        burst: max(1, requestsPerMinute * rateLimitBurstSeconds / 60))
    }
}
