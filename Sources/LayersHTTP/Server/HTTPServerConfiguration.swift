/// Everything tunable about an `HTTPServer`. Every limit has a safe default; see `docs/http-server.md`.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind (`"0.0.0.0"`, `"127.0.0.1"`, `"::"`).
    public var host: String
    /// Port to bind; 0 picks an ephemeral port (returned by `HTTPServer.start()`).
    public var port: Int
    /// Event loop threads; 0 means one per core.
    public var loopCount: Int
    /// Listen backlog.
    public var backlog: Int32

    /// Longest request line (method, target, version). Over it: 414.
    public var maxRequestLineBytes: Int
    /// Longest request head (request line plus headers). Over it: 431.
    public var maxHeaderBytes: Int
    /// Most header fields. Over it: 431.
    public var maxHeaderCount: Int
    /// Largest request body (declared or chunked). Over it: 413.
    public var maxBodyBytes: Int
    /// Open connections across all loops; over it new connections get 503 and are closed.
    public var maxConnections: Int

    /// From the first byte of a request until its head is complete. On expiry: 408 and close. A new connection
    /// that sends nothing at all is closed quietly after this long too (whichever of this and the keep-alive
    /// idle timeout is shorter).
    public var headerReadTimeout: Duration
    /// Longest wait for the next body bytes. On expiry: 408 and close.
    public var bodyReadTimeout: Duration
    /// How long an idle keep-alive connection is kept before it is closed quietly.
    public var keepAliveIdleTimeout: Duration
    /// How long a write may make no progress (the client stops reading) before the connection is closed
    /// and its handler cancelled.
    public var writeStallTimeout: Duration
    /// How long a closing connection drains unread input so the client receives our last response.
    public var lingerTimeout: Duration
    /// Default deadline for graceful shutdown (in-flight requests and streams may finish until then).
    public var shutdownDeadline: Duration

    /// A streaming `write` suspends while more than this many bytes wait for the socket.
    public var writeHighWaterMark: Int
    /// Pipelined bytes buffered while a request is in flight before reading pauses.
    public var maxPipelinedBytes: Int

    /// Where handlers run: on the connection's event loop (fewest thread hops) or on the global pool.
    public var handlerExecution: HandlerExecution
    /// CORS allowlist; `nil` disables CORS handling.
    public var cors: CORSPolicy?
    /// Called once per finished request (never sees headers, so never the Authorization header).
    public var accessLog: (@Sendable (AccessLogEntry) -> Void)?
    /// Value of the `Server` header; `nil` omits it.
    public var serverName: String?
    /// Chooses the answer to a request the server refuses by itself (malformed, over a limit, too slow; see
    /// ``HTTPRefusal``), for instance by its path; `nil` answers `refusal.defaultResponse` (OpenAI-shaped JSON).
    /// Called on the event loop, only for refusals: keep it quick. Whatever it returns, the connection closes
    /// after it; a `.stream` body is not sent (the default answer is).
    public var refusalResponse: (@Sendable (HTTPRefusal) -> HTTPResponse)?

    public enum HandlerExecution: Sendable {
        /// Handler tasks prefer the connection's event loop as task executor (like SwiftNIO): a handler that
        /// answers at once costs no thread hop. CPU-heavy handlers should hop off themselves.
        case eventLoop
        /// Handler tasks run on Swift's global concurrent executor.
        case globalExecutor
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8080, loopCount: Int = 0, backlog: Int32 = 1024,
        maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 32 * 1024, maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 32 * 1024 * 1024, maxConnections: Int = 16_384,
        headerReadTimeout: Duration = .seconds(10), bodyReadTimeout: Duration = .seconds(30),
        keepAliveIdleTimeout: Duration = .seconds(75), writeStallTimeout: Duration = .seconds(60),
        lingerTimeout: Duration = .seconds(2), shutdownDeadline: Duration = .seconds(30),
        writeHighWaterMark: Int = 256 * 1024, maxPipelinedBytes: Int = 64 * 1024,
        handlerExecution: HandlerExecution = .eventLoop, cors: CORSPolicy? = nil,
        accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil, serverName: String? = nil,
        refusalResponse: (@Sendable (HTTPRefusal) -> HTTPResponse)? = nil
    ) {
        self.host = host
        self.port = port
        self.loopCount = loopCount
        self.backlog = backlog
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.headerReadTimeout = headerReadTimeout
        self.bodyReadTimeout = bodyReadTimeout
        self.keepAliveIdleTimeout = keepAliveIdleTimeout
        self.writeStallTimeout = writeStallTimeout
        self.lingerTimeout = lingerTimeout
        self.shutdownDeadline = shutdownDeadline
        self.writeHighWaterMark = writeHighWaterMark
        self.maxPipelinedBytes = maxPipelinedBytes
        self.handlerExecution = handlerExecution
        self.cors = cors
        self.accessLog = accessLog
        self.serverName = serverName
        self.refusalResponse = refusalResponse
    }
}
