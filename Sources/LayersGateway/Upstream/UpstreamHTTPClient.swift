import Synchronization

/// Settings of an `UpstreamHTTPClient`.
public struct UpstreamClientConfiguration: Sendable {
    /// Number of curl multi loops (threads). One handles thousands of transfers; more spread TLS work on cores.
    public var loopCount: Int
    /// Idle connections kept for reuse across all hosts.
    public var maxCachedConnections: Int
    /// Largest non-streamed response body accepted.
    public var maxResponseBytes: Int
    /// A streaming transfer pauses when this many bytes wait unread by the consumer...
    public var streamHighWater: Int
    /// ...and resumes when the backlog drops to this.
    public var streamLowWater: Int
    /// Optional CA bundle path (tests use it for a local TLS fake); nil uses the system store.
    public var caFile: String?

    public init(loopCount: Int = 1, maxCachedConnections: Int = 256, maxResponseBytes: Int = 64 << 20,
                streamHighWater: Int = 256 << 10, streamLowWater: Int = 64 << 10, caFile: String? = nil) {
        self.loopCount = max(1, loopCount)
        self.maxCachedConnections = maxCachedConnections
        self.maxResponseBytes = maxResponseBytes
        self.streamHighWater = streamHighWater
        self.streamLowWater = min(streamLowWater, streamHighWater)
        self.caFile = caFile
    }
}

/// HTTP client for provider calls, built on libcurl's multi interface.
///
/// Each loop is one thread driving one curl multi handle (`curl_multi_poll` + `curl_multi_wakeup`), so any
/// number of concurrent requests share a few threads. Once attached to event loops (``attach(to:)``; LayersServer
/// does it with the HTTP server's loops when `LAYERS_UPSTREAM_ON_EVENT_LOOPS` is true), a request made on one of
/// those loops' threads runs on that loop instead, through curl's socket interface, with no thread hand-off. Connections are kept alive and
/// reused per host (per loop), HTTP/2
/// is negotiated over TLS when offered, TLS is verified, gzip/br/zstd accepted, redirects are not followed, and
/// proxies come from the standard environment variables (`https_proxy`, `no_proxy`, ...).
///
/// ```swift
/// let client = UpstreamHTTPClient()
/// let response = try await client.request(UpstreamRequest(url: "https://api.openai.com/v1/models",
///                                                          headers: [HTTPHeader("authorization", "Bearer …")]))
/// ```
public final class UpstreamHTTPClient: Sendable {
    public let configuration: UpstreamClientConfiguration
    private let loops: [CurlLoop]
    private let nextLoop = Locked(0)
    /// One driver per attached event loop.
    private let reactorLoops = Mutex<[CurlReactorLoop]>([])
    /// Whether any loop was ever attached: without one (the default) a call takes no lock to find its driver.
    private let hasReactorLoops = Atomic<Bool>(false)

    public init(configuration: UpstreamClientConfiguration = UpstreamClientConfiguration()) {
        self.configuration = configuration
        loops = (0..<configuration.loopCount).map {
            CurlLoop(configuration: configuration, name: "layers-curl-\($0)")
        }
    }

    deinit { shutdown() }

    /// Stops the loops; transfers in flight fail with `UpstreamError.clientShutdown`.
    public func shutdown() { loops.forEach { $0.shutdown() } }

    /// Runs the calls made on these event loops' threads on the loops themselves (one curl multi handle each),
    /// from now on; calls made elsewhere keep using the client's own threads. A loop that stops fails its
    /// transfers in flight with `UpstreamError.clientShutdown` and is no longer used.
    public func attach(to reactors: [any UpstreamReactor]) {
        let added = reactors.map { CurlReactorLoop(reactor: $0, configuration: configuration) }
        reactorLoops.withLock { loops in
            loops.removeAll { $0.isStopped }  // loops of a server that has stopped since
            loops.append(contentsOf: added)
        }
        if !added.isEmpty { hasReactorLoops.store(true, ordering: .releasing) }
    }

    /// Transfers that ran on the attached event loops still running (for tests and diagnostics).
    public var eventLoopTransferCount: Int {
        reactorLoops.withLock { $0.reduce(0) { $0 + $1.transferCount.load(ordering: .relaxed) } }
    }

    /// Sends a request and returns the whole response (any status; only transport failures throw).
    nonisolated(nonsending) public func request(_ request: UpstreamRequest) async throws -> UpstreamResponse {
        let transfer = makeTransfer(request, mode: .buffered)
        return try await transfer.awaitResponse { transfer.loop?.submit(transfer) }
    }

    /// Sends a request and returns once the response headers have arrived; the body follows as a stream.
    nonisolated(nonsending) public func stream(_ request: UpstreamRequest) async throws -> UpstreamStream {
        let transfer = makeTransfer(request, mode: .streaming)
        transfer.loop?.submit(transfer)
        do {
            let head = try await transfer.awaitHead()
            return UpstreamStream(head: head, transfer: transfer)
        } catch {
            transfer.cancel()
            throw error
        }
    }

    private func makeTransfer(_ request: UpstreamRequest, mode: CurlTransfer.Mode) -> CurlTransfer {
        CurlTransfer(request: request, mode: mode, loop: driverForCallingThread(),
                     maxBufferedBodyBytes: configuration.maxResponseBytes,
                     highWater: configuration.streamHighWater, lowWater: configuration.streamLowWater)
    }

    /// The attached event loop whose thread this is, else the next of the client's own loops.
    private func driverForCallingThread() -> any CurlDriver {
        if hasReactorLoops.load(ordering: .acquiring),
           let here = reactorLoops.withLock({ loops in loops.first { $0.acceptsTransfersHere } }) {
            return here
        }
        guard loops.count > 1 else { return loops[0] }
        let index = nextLoop.withLock { i -> Int in
            defer { i = (i + 1) % loops.count }
            return i
        }
        return loops[index]
    }
}
