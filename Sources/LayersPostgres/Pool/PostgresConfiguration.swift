/// How to reach PostgreSQL and how to pool connections.
public struct PostgresConfiguration: Sendable {
    /// libpq connection URL (`postgresql://user@host:port/db?...`) or key=value string.
    public var url: String
    /// Connections (and worker threads) in the pool. Each blocking libpq call runs on one of these threads,
    /// never on the caller's (e.g. an HTTP event loop's) thread.
    public var poolSize: Int
    /// Requests waiting for a connection beyond which `withConnection` fails fast with `.poolExhausted`.
    public var maxWaiting: Int
    /// Server-side `statement_timeout` for every statement, in milliseconds (0 = none).
    public var statementTimeoutMs: Int
    public var connectTimeoutSeconds: Int
    /// Use server-side prepared statements for repeated queries. Turn off behind a connection pooler in
    /// transaction mode that does not support them (PgBouncer < 1.21).
    public var usePreparedStatements: Bool
    public var applicationName: String

    public init(url: String, poolSize: Int = 8, maxWaiting: Int = 10_000, statementTimeoutMs: Int = 10_000,
                connectTimeoutSeconds: Int = 5, usePreparedStatements: Bool = true,
                applicationName: String = "layers") {
        self.url = url
        self.poolSize = max(1, poolSize)
        self.maxWaiting = maxWaiting
        self.statementTimeoutMs = statementTimeoutMs
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.usePreparedStatements = usePreparedStatements
        self.applicationName = applicationName
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(url: url, options: ["statement_timeout": String(statementTimeoutMs)],
                               applicationName: applicationName, connectTimeoutSeconds: connectTimeoutSeconds,
                               usePreparedStatements: usePreparedStatements)
    }
}
