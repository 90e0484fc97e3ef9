import Synchronization

/// Immutable settings and the few shared counters every loop of one server uses.
final class ServerContext: Sendable {
    let responder: any HTTPResponder
    let parserLimits: RequestParserLimits
    let writeHighWaterMark: Int
    let maxPipelinedBytes: Int
    let maxConnections: Int
    let headerReadNanoseconds: UInt64
    let bodyReadNanoseconds: UInt64
    let idleNanoseconds: UInt64
    let writeStallNanoseconds: UInt64
    let lingerNanoseconds: UInt64
    /// How often loops check connection deadlines: a quarter of the shortest timeout, between 5 ms and 1 s.
    let tickNanoseconds: UInt64
    let handlerExecution: HTTPServerConfiguration.HandlerExecution
    let cors: CORSPolicy?
    let accessLog: (@Sendable (AccessLogEntry) -> Void)?
    let serverName: String?
    let refusalResponse: (@Sendable (HTTPRefusal) -> HTTPResponse)?

    private let openConnections = Atomic<Int>(0)
    /// Handler tasks started with `handlerExecution: .eventLoop` (one per busy connection; for tests).
    let workerTasksStarted = Atomic<Int>(0)
    private let drainedLoops = Mutex<Set<Int>>([])

    init(configuration c: HTTPServerConfiguration, responder: any HTTPResponder) {
        self.responder = responder
        parserLimits = RequestParserLimits(
            maxRequestLineBytes: c.maxRequestLineBytes, maxHeaderBytes: c.maxHeaderBytes,
            maxHeaderCount: c.maxHeaderCount, maxBodyBytes: c.maxBodyBytes)
        writeHighWaterMark = c.writeHighWaterMark
        maxPipelinedBytes = c.maxPipelinedBytes
        maxConnections = c.maxConnections
        headerReadNanoseconds = c.headerReadTimeout.nanoseconds
        bodyReadNanoseconds = c.bodyReadTimeout.nanoseconds
        idleNanoseconds = c.keepAliveIdleTimeout.nanoseconds
        writeStallNanoseconds = c.writeStallTimeout.nanoseconds
        lingerNanoseconds = c.lingerTimeout.nanoseconds
        let shortest = [headerReadNanoseconds, bodyReadNanoseconds, idleNanoseconds, writeStallNanoseconds,
                        lingerNanoseconds].min() ?? 1_000_000_000
        tickNanoseconds = min(max(shortest / 4, 5_000_000), 1_000_000_000)
        handlerExecution = c.handlerExecution
        cors = c.cors
        accessLog = c.accessLog
        serverName = c.serverName
        refusalResponse = c.refusalResponse
    }

    var openConnectionCount: Int { openConnections.load(ordering: .relaxed) }

    func reserveConnectionSlot() -> Bool {
        let (_, now) = openConnections.add(1, ordering: .relaxed)
        if now > maxConnections {
            openConnections.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnectionSlot() {
        openConnections.subtract(1, ordering: .relaxed)
    }

    func loopDrained(_ loop: EventLoop) {
        drainedLoops.withLock { _ = $0.insert(loop.index) }
    }

    func drainedLoopCount() -> Int {
        drainedLoops.withLock { $0.count }
    }
}
