/// The HTTP server limits a deployer may tune, read from `LAYERS_HTTP_*`. Defaults are LayersHTTP's own
/// (`HTTPServerConfiguration`), documented with the status each limit answers in docs/http-server.md.
public struct HTTPLimits: Sendable, Equatable {
    /// Open connections across all loops; over it new connections get 503 and are closed.
    public var maxConnections: Int
    /// Longest request line (414 above).
    public var maxRequestLineBytes: Int
    /// Longest request head, request line and headers (431 above).
    public var maxHeaderBytes: Int
    /// Most header fields (431 above).
    public var maxHeaderCount: Int
    /// Time to receive a request head (408 and close; a silent new connection is closed quietly).
    public var headerTimeoutMilliseconds: Int
    /// Longest wait for the next body bytes (408 and close).
    public var bodyTimeoutMilliseconds: Int
    /// How long an idle keep-alive connection is kept.
    public var idleTimeoutMilliseconds: Int
    /// How long a write may make no progress before the connection is closed and its handler cancelled.
    public var writeStallMilliseconds: Int

    public init(_ source: ConfigurationSource) throws {
        maxConnections = try source.int("LAYERS_HTTP_MAX_CONNECTIONS", default: 16_384, range: 1...1_000_000)
        maxRequestLineBytes = try source.int("LAYERS_HTTP_MAX_REQUEST_LINE_BYTES", default: 8 * 1024,
                                             range: 256...(1 << 20))
        maxHeaderBytes = try source.int("LAYERS_HTTP_MAX_HEADER_BYTES", default: 32 * 1024, range: 1024...(1 << 24))
        maxHeaderCount = try source.int("LAYERS_HTTP_MAX_HEADERS", default: 100, range: 8...10_000)
        headerTimeoutMilliseconds = try source.int("LAYERS_HTTP_HEADER_TIMEOUT_MS", default: 10_000,
                                                   range: 100...3_600_000)
        bodyTimeoutMilliseconds = try source.int("LAYERS_HTTP_BODY_TIMEOUT_MS", default: 30_000, range: 100...3_600_000)
        idleTimeoutMilliseconds = try source.int("LAYERS_HTTP_IDLE_TIMEOUT_MS", default: 75_000, range: 100...3_600_000)
        writeStallMilliseconds = try source.int("LAYERS_HTTP_WRITE_STALL_MS", default: 60_000, range: 100...3_600_000)
        if maxRequestLineBytes > maxHeaderBytes {
            throw ConfigurationError("LAYERS_HTTP_MAX_REQUEST_LINE_BYTES",
                                     "must not exceed LAYERS_HTTP_MAX_HEADER_BYTES (\(maxHeaderBytes))")
        }
    }
}
