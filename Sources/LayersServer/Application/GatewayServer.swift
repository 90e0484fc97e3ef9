import Foundation
import LayersCore
import LayersGateway
import LayersHTTP

/// The gateway's HTTP server: ``GatewayRouter`` behind LayersHTTP, configured from ``ServerConfiguration``.
///
/// ```swift
/// let server = GatewayServer(services: services)
/// let port = try server.start()        // port 0 picks a free one (tests)
/// ...
/// await server.shutdown()
/// ```
public final class GatewayServer: Sendable {
    public let services: GatewayServices
    public let http: HTTPServer

    public init(services: GatewayServices) {
        self.services = services
        let c = services.configuration
        var cors: CORSPolicy?
        if !c.corsOrigins.isEmpty {
            cors = CORSPolicy(
                allowedOrigins: Set(c.corsOrigins),
                allowedHeaders: ["authorization", "content-type", "x-request-id", "x-api-key", "x-requested-with",
                                 "anthropic-version", "anthropic-beta"],
                exposedHeaders: ["x-request-id", "x-layers-overhead-ms", "x-ratelimit-limit", "x-ratelimit-remaining",
                                 "x-ratelimit-reset", "retry-after"],
                maxAgeSeconds: 86_400)
        }
        let limits = c.httpLimits
        let configuration = HTTPServerConfiguration(
            host: c.host, port: c.port, loopCount: c.httpThreads ?? 0,
            maxRequestLineBytes: limits.maxRequestLineBytes, maxHeaderBytes: limits.maxHeaderBytes,
            maxHeaderCount: limits.maxHeaderCount, maxBodyBytes: c.maxBodyBytes, maxConnections: limits.maxConnections,
            headerReadTimeout: .milliseconds(limits.headerTimeoutMilliseconds),
            bodyReadTimeout: .milliseconds(limits.bodyTimeoutMilliseconds),
            keepAliveIdleTimeout: .milliseconds(limits.idleTimeoutMilliseconds),
            writeStallTimeout: .milliseconds(limits.writeStallMilliseconds),
            shutdownDeadline: .seconds(c.shutdownGraceSeconds), cors: cors,
            accessLog: c.accessLog ? AccessLogEntry.standardError : nil, serverName: "layers",
            refusalResponse: { [refusals = GatewayRefusals(maxBodyBytes: c.maxBodyBytes)] in refusals.response($0) })
        http = HTTPServer(configuration: configuration, responder: GatewayRouter.make(services))
    }

    /// Binds and starts serving; returns the port. With `LAYERS_UPSTREAM_ON_EVENT_LOOPS=true` provider calls then
    /// run on the event loops.
    @discardableResult
    public func start() throws -> Int {
        let port = try http.start()
        if services.configuration.upstreamOnEventLoops {
            let reactors = http.ioLoops.map(HTTPLoopReactor.init)
            for client in services.upstreamClients { client.attach(to: reactors) }
        }
        return port
    }

    /// Catches SIGINT/SIGTERM from now on for ``runUntilSignal()`` (call before ``start()``).
    public func catchSignals() { http.catchSignals() }

    /// Serves until SIGINT/SIGTERM, then drains within the grace period.
    public func runUntilSignal() async throws {
        if http.loopCount == 0 { try start() }
        try await http.runUntilSignal()
    }

    public func shutdown() async { await http.shutdown() }
}
