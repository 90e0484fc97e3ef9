#if canImport(Glibc)
import Glibc
#endif
import CLayersHTTP

/// One client connection: reads and parses requests, runs one exchange at a time (pipelined requests wait in
/// the input buffer, so responses leave in order), writes responses, enforces timeouts.
///
/// `@unchecked Sendable`: handler tasks hold a reference, but every mutable field is read and written only on
/// `loop`'s thread. Calls from other threads go through `loop.execute`.
final class Connection: @unchecked Sendable {
    enum Phase {
        case idle, readingHead, readingBody, handling, streaming, closing, closed
    }

    enum CloseReason {
        case peerClosed, ioError, idleTimeout, writeStall, lingerDone, handlerFailed, bodyMismatch, shutdown
    }

    enum ResponseFraming {
        case none, fixed(remaining: Int), chunked, untilClose
    }

    struct Exchange {
        let id: UInt64
        let method: HTTPMethod
        /// The request target; the access log gets its path part (never the query).
        let target: String
        let version: HTTPVersion
        let requestID: String
        let origin: String?
        let start: UInt64
        var status: HTTPStatus = HTTPStatus(499)
        var bodyBytes = 0
        var framing: ResponseFraming = .none
        var onComplete: (@Sendable (HTTPResponseCompletion) -> Void)?
        var responded = false
    }

    enum WriteOutcome {
        case accepted, mustWait, failed(HTTPServerError)
    }

    let fd: Int32
    let loop: EventLoop
    let remoteAddress: String
    private(set) var interest: UInt32

    // Loop-thread state: no overlapping accesses are possible, so the dynamic exclusivity checks (a measurable
    // share of the per-request CPU) are switched off for the buffers mutated on every request.
    @exclusivity(unchecked) private var input: [UInt8] = []
    private var inputStart = 0
    @exclusivity(unchecked) private var output: [UInt8] = []
    private var outputStart = 0
    @exclusivity(unchecked) private var parser: RequestParser
    private var phase: Phase = .idle
    private var keepAlive = true
    private var shutdownRequested = false
    private var flushScheduled = false
    @exclusivity(unchecked) private var exchange: Exchange?
    private var exchangeCounter: UInt64 = 0
    private var task: Task<Void, Never>?
    /// With handlers on the event loop, one task runs this connection's exchanges one after another
    /// (`runOnWorker`): the task-allocator slabs a handler's async frames need (tens of KB in the gateway) are then
    /// allocated once per busy connection instead of once per request. It ends after two deadline ticks without
    /// work, so idle keep-alive connections hold no task, and when the connection closes.
    private var worker: Task<Void, Never>?
    private var workerWaiter: UnsafeContinuation<(@Sendable () async -> Void)?, Never>?
    private var queuedWork: (@Sendable () async -> Void)?
    private var workerIdleTicks = 0
    private var drainWaiter: CheckedContinuation<Void, any Error>?
    private var closeError: HTTPServerError = .clientDisconnected

    private var deadline: UInt64 = 0
    private var phaseSince: UInt64 = 0
    private var lastWriteProgress: UInt64 = 0
    private var closingWriteShut = false
    /// The last send hit EAGAIN: wait for EPOLLOUT (only then is it in the interest set).
    private var writeBlocked = false

    private var server: ServerContext { loop.server }
    private var outputPending: Int { output.count - outputStart }

    init(fd: Int32, loop: EventLoop, remoteAddress: String) {
        self.fd = fd
        self.loop = loop
        self.remoteAddress = remoteAddress
        self.parser = RequestParser(limits: loop.server.parserLimits)
        self.interest = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        phaseSince = loop.now == 0 ? monotonicNanoseconds() : loop.now
        refreshDeadline()
    }

    // MARK: Events

    func handle(events: UInt32) {
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readAvailable()
        }
        if phase != .closed && events & EPOLLOUT.rawValue != 0 {
            flush()
        }
    }

    private func readAvailable() {
        let buffer = loop.readBuffer
        var sawEOF = false
        var progressed = false
        for _ in 0..<4 {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 {
                progressed = true
                if phase != .closing {
                    input.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                }
                if n < buffer.count { break }
            } else if n == 0 {
                sawEOF = true
                break
            } else {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                closeNow(reason: .ioError)
                return
            }
        }
        if progressed && phase != .closing { process() }
        if sawEOF && phase != .closed {
            closeNow(reason: phase == .closing ? .lingerDone : .peerClosed)
        }
    }

    // MARK: Parsing

    /// Parses and dispatches buffered requests while no exchange is in flight.
    private func process() {
        while exchange == nil && phase != .closing && phase != .closed && outputPending <= server.writeHighWaterMark {
            let unread = input.count - inputStart
            if unread == 0 { break }
            let result: (consumed: Int, event: RequestParser.Event)
            do {
                result = try input.withUnsafeBufferPointer { all throws(HTTPParseError) in
                    try parser.parse(UnsafeBufferPointer(rebasing: all[inputStart...]))
                }
            } catch {
                respondToParseError(error)
                return
            }
            inputStart += result.consumed
            switch result.event {
            case .needMore:
                if parser.isReadingBody {
                    if result.consumed > 0 || phase != .readingBody { enter(.readingBody) }
                } else if phase != .readingHead {
                    enter(.readingHead)
                }
                compactInput()
                return
            case .head(let head):
                enter(.readingBody)
                if head.expectContinue && inputStart == input.count {
                    output.append(contentsOf: Self.continueLine)
                    scheduleFlush()
                }
            case .message(let head, let body):
                dispatch(head, body: body)
            }
        }
        compactInput()
        updateInterest()
    }

    private func compactInput() {
        if inputStart == input.count {
            if input.capacity > 16 * 1024 { input = [] } else { input.removeAll(keepingCapacity: true) }
            inputStart = 0
        } else if inputStart > 0 && (inputStart >= 4096 || input.count - inputStart < inputStart) {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    private func respondToParseError(_ error: HTTPParseError) {
        refuse(.parseError(error), status: error.status, message: error.message)
    }

    /// Answers a request the server refuses by itself (then closes): the configured `refusalResponse`'s answer,
    /// or the default one. The request line is looked for only when there is a `refusalResponse` to tell or an
    /// access log to write (which then shows the refused request's method and path instead of `- -`).
    private func refuse(_ cause: HTTPRefusal.Cause, status: HTTPStatus, message: String) {
        keepAlive = false
        exchangeCounter += 1
        let requestID = loop.nextRequestID()
        var refusal = HTTPRefusal(cause: cause, status: status, message: message, requestID: requestID)
        if server.refusalResponse != nil || server.accessLog != nil {
            let line = input.withUnsafeBufferPointer { all in
                parser.pendingRequestLine(UnsafeBufferPointer(rebasing: all[inputStart...]))
            }
            if let line {
                refusal.method = line.method
                refusal.path = HTTPRequest(method: line.method, target: line.target).path
            }
        }
        exchange = Exchange(
            id: exchangeCounter, method: refusal.method ?? .other("-"), target: refusal.path ?? "-",
            version: .http1_1, requestID: requestID, origin: nil, start: monotonicNanoseconds())
        var response: HTTPResponse
        if let choose = server.refusalResponse {
            response = choose(refusal)
            if case .stream = response.body { response = refusal.defaultResponse }
        } else {
            response = refusal.defaultResponse
        }
        inputStart = input.count
        compactInput()
        beginResponse(response, id: exchangeCounter)
    }

    // MARK: Exchanges

    private func dispatch(_ head: RequestHead, body: [UInt8]) {
        let incoming = Self.saneRequestID(head.headers["x-request-id"])
        let generated = loop.nextRequestID()
        let requestID = incoming ?? generated
        exchangeCounter += 1
        let id = exchangeCounter
        keepAlive = head.keepAlive && !shutdownRequested
        let origin = server.cors == nil ? nil : head.headers["origin"]
        exchange = Exchange(
            id: id, method: head.method, target: head.target, version: head.version, requestID: requestID,
            origin: origin, start: monotonicNanoseconds())
        enter(.handling)
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body,
            remoteAddress: remoteAddress, requestID: requestID, serverRequestID: incoming == nil ? nil : generated)
        if let cors = server.cors, let preflight = cors.preflightResponse(for: request) {
            beginResponse(preflight, id: id)
            return
        }
        let responder = server.responder
        let suppressBody = head.method == .head
        let work: @Sendable () async -> Void = { [self] in
            let response = await responder.respond(to: request)
            if loop.inEventLoop {
                beginResponse(response, id: id)
            } else {
                loop.execute { self.beginResponse(response, id: id) }
            }
            guard case .stream(let produce) = response.body else { return }
            var succeeded = true
            if !(suppressBody || response.status.forbidsBody) {
                do {
                    try await produce(ConnectionBodyWriter(connection: self, exchangeID: id))
                } catch {
                    succeeded = false
                }
            }
            if loop.inEventLoop {
                finishStream(id: id, succeeded: succeeded)
            } else {
                let outcome = succeeded
                loop.execute { self.finishStream(id: id, succeeded: outcome) }
            }
        }
        switch server.handlerExecution {
        case .eventLoop: runOnWorker(work)
        case .globalExecutor: task = Task(operation: work)
        }
    }

    /// Hands `work` to the connection's worker task, starting one when there is none. Loop thread only.
    private func runOnWorker(_ work: @escaping @Sendable () async -> Void) {
        workerIdleTicks = 0
        if let waiter = workerWaiter {
            workerWaiter = nil
            waiter.resume(returning: work)
            return
        }
        queuedWork = work
        if worker == nil {
            server.workerTasksStarted.add(1, ordering: .relaxed)
            worker = Task(executorPreference: loop) { [self] in
                while let next = await nextWork() { await next() }
            }
        }
    }

    /// The worker's next exchange, or nil when it should end. Runs on the loop (the worker's executor).
    private func nextWork() async -> (@Sendable () async -> Void)? {
        if let work = queuedWork {
            queuedWork = nil
            return work
        }
        if phase == .closed { return nil }
        return await withUnsafeContinuation { continuation in workerWaiter = continuation }
    }

    /// Ends the worker (it holds no work: it waits for the next exchange, or it was never started).
    private func retireWorker() {
        worker = nil
        if let waiter = workerWaiter {
            workerWaiter = nil
            waiter.resume(returning: nil)
        }
    }

    /// Serializes the head (and a byte body) of the exchange's response.
    func beginResponse(_ response: HTTPResponse, id: UInt64) {
        guard phase != .closed, var current = exchange, current.id == id, !current.responded else { return }
        current.responded = true
        current.status = response.status
        current.onComplete = response.onComplete
        var headers = response.headers
        if let cors = server.cors, let origin = current.origin { cors.decorate(&headers, origin: origin) }
        if headers.containsToken("close", inHeader: "connection") { keepAlive = false }
        if shutdownRequested { keepAlive = false }

        let status = response.status
        let suppressBody = current.method == .head || status.forbidsBody
        var framingHeader: (name: StaticString, value: Int)? = nil
        var chunkedHeader = false
        switch response.body {
        case .bytes(let bytes):
            if !status.forbidsBody { framingHeader = ("Content-Length: ", bytes.count) }
            current.framing = .none
        case .stream:
            if suppressBody {
                current.framing = .none
            } else if let declared = headers["content-length"].flatMap({ Int($0) }), declared >= 0 {
                framingHeader = ("Content-Length: ", declared)
                current.framing = .fixed(remaining: declared)
            } else if current.version == .http1_1 {
                chunkedHeader = true
                current.framing = .chunked
            } else {
                keepAlive = false
                current.framing = .untilClose
            }
        }

        ResponseHeadWriter.write(
            status: status, headers: headers, version: current.version, requestID: current.requestID,
            keepAlive: keepAlive, contentLength: framingHeader?.value, chunked: chunkedHeader,
            date: loop.dateCache.current(), serverName: server.serverName, into: &output)

        if case .bytes(let bytes) = response.body {
            if !suppressBody {
                output.append(contentsOf: bytes)
                current.bodyBytes = bytes.count
            }
            exchange = current
            scheduleFlush()
            finishExchange()
            return
        }
        exchange = current
        enter(.streaming)
        scheduleFlush()
    }

    /// Appends one chunk of a streamed body. Loop thread only.
    func streamWrite(_ bytes: [UInt8], id: UInt64) -> WriteOutcome {
        guard phase == .streaming, var current = exchange, current.id == id else {
            return .failed(phase == .closed ? closeError : .clientDisconnected)
        }
        if bytes.isEmpty { return .accepted }
        switch current.framing {
        case .none:
            return .accepted
        case .chunked:
            appendHex(bytes.count, to: &output)
            output.append(0x0D); output.append(0x0A)
            output.append(contentsOf: bytes)
            output.append(0x0D); output.append(0x0A)
        case .fixed(let remaining):
            guard bytes.count <= remaining else { return .failed(.bodyLengthExceeded) }
            output.append(contentsOf: bytes)
            current.framing = .fixed(remaining: remaining - bytes.count)
        case .untilClose:
            output.append(contentsOf: bytes)
        }
        current.bodyBytes += bytes.count
        exchange = current
        scheduleFlush()
        return outputPending > server.writeHighWaterMark ? .mustWait : .accepted
    }

    /// Suspends the writer until the output drains below the high-water mark. Loop thread only.
    func waitForDrain(_ continuation: CheckedContinuation<Void, any Error>) {
        if phase == .closed {
            continuation.resume(throwing: closeError)
        } else if outputPending <= server.writeHighWaterMark {
            continuation.resume()
        } else {
            drainWaiter = continuation
        }
    }

    func finishStream(id: UInt64, succeeded: Bool) {
        guard phase != .closed, let current = exchange, current.id == id else { return }
        guard succeeded else {
            closeNow(reason: .handlerFailed)
            return
        }
        switch current.framing {
        case .chunked:
            output.append(contentsOf: Self.lastChunk)
        case .fixed(let remaining) where remaining > 0:
            closeNow(reason: .bodyMismatch)
            return
        case .untilClose:
            keepAlive = false
        default:
            break
        }
        scheduleFlush()
        finishExchange()
    }

    private func finishExchange() {
        guard let current = exchange else { return }
        exchange = nil
        task = nil
        report(current, completed: true)
        parser = RequestParser(limits: server.parserLimits)
        if !keepAlive || shutdownRequested {
            enter(.closing)
            return
        }
        enter(inputStart < input.count ? .readingHead : .idle)
        if inputStart < input.count {
            loop.schedule { [self] in process() }
        }
        updateInterest()
    }

    private func report(_ current: Exchange, completed: Bool) {
        let accessLog = server.accessLog
        guard accessLog != nil || current.onComplete != nil else { return }
        let duration = monotonicNanoseconds() &- current.start
        if let accessLog {
            var path = current.target
            if let q = path.utf8.firstIndex(of: UInt8(ascii: "?")) { path = String(path[..<q]) }
            accessLog(AccessLogEntry(
                remoteAddress: remoteAddress, method: current.method, path: path, status: current.status,
                bodyBytes: current.bodyBytes, durationNanoseconds: duration, requestID: current.requestID,
                completed: completed))
        }
        current.onComplete?(HTTPResponseCompletion(
            status: current.status, bodyBytes: current.bodyBytes, durationNanoseconds: duration,
            completed: completed, requestID: current.requestID))
    }

    // MARK: Writing

    private func scheduleFlush() {
        if !flushScheduled {
            flushScheduled = true
            loop.scheduleFlush(self)
        }
    }

    func flushIfScheduled() {
        guard flushScheduled else { return }
        flushScheduled = false
        if phase != .closed { flush() }
    }

    private func flush() {
        var progressed = false
        while outputPending > 0 {
            let n = output.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + outputStart, outputPending, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                outputStart += n
                progressed = true
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                writeBlocked = true
                break
            } else {
                closeNow(reason: .ioError)
                return
            }
        }
        if progressed || lastWriteProgress == 0 { lastWriteProgress = loop.now == 0 ? monotonicNanoseconds() : loop.now }
        if outputPending == 0 {
            writeBlocked = false
            if output.capacity > 64 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
            outputStart = 0
            if phase == .closing && !closingWriteShut {
                closingWriteShut = true
                shutdown(fd, Int32(SHUT_WR))
                phaseSince = loop.now
                // During shutdown, do not linger for the client's EOF: the response is out, the FIN is sent.
                if shutdownRequested && loop.isShuttingDown {
                    closeNow(reason: .shutdown)
                    return
                }
            }
        } else if outputStart > 64 * 1024 {
            output.removeFirst(outputStart)
            outputStart = 0
        }
        if let waiter = drainWaiter, outputPending <= server.writeHighWaterMark / 2 {
            drainWaiter = nil
            waiter.resume()
        }
        refreshDeadline()
        updateInterest()
        if outputPending == 0 && exchange == nil && inputStart < input.count && (phase == .idle || phase == .readingHead) {
            process()
        }
    }

    // MARK: Phases, deadlines, interest

    private func enter(_ newPhase: Phase) {
        phase = newPhase
        phaseSince = loop.now == 0 ? monotonicNanoseconds() : loop.now
        refreshDeadline()
        if newPhase == .closing {
            if outputPending == 0 { scheduleFlush() }
            updateInterest()
        }
    }

    private func refreshDeadline() {
        if outputPending > 0 {
            deadline = lastWriteProgress + server.writeStallNanoseconds
            return
        }
        switch phase {
        case .idle:
            // A connection that has not sent a request yet gets the header-read timeout, not the keep-alive
            // idle one: otherwise opening sockets and sending nothing would hold slots for the idle timeout.
            deadline = phaseSince + (exchangeCounter == 0
                ? min(server.headerReadNanoseconds, server.idleNanoseconds) : server.idleNanoseconds)
        case .readingHead: deadline = phaseSince + server.headerReadNanoseconds
        case .readingBody: deadline = phaseSince + server.bodyReadNanoseconds
        case .handling, .streaming, .closed: deadline = 0
        case .closing: deadline = phaseSince + server.lingerNanoseconds
        }
    }

    func checkDeadline(now: UInt64) {
        if workerWaiter != nil {
            workerIdleTicks += 1
            if workerIdleTicks >= 2 { retireWorker() }
        }
        guard deadline != 0, now >= deadline, phase != .closed else { return }
        if outputPending > 0 {
            closeError = .writeStalled
            closeNow(reason: .writeStall)
            return
        }
        switch phase {
        case .idle: closeNow(reason: .idleTimeout)
        case .readingHead, .readingBody:
            refuse(.timeout, status: .requestTimeout, message: "Timed out reading the request")
        case .closing: closeNow(reason: .lingerDone)
        case .handling, .streaming, .closed: break
        }
    }

    private func updateInterest() {
        guard phase != .closed else { return }
        var wanted = EPOLLRDHUP.rawValue
        let pipelinedFull = exchange != nil && input.count - inputStart > server.maxPipelinedBytes
        let outputFull = outputPending > server.writeHighWaterMark
        if phase == .closing || (!pipelinedFull && !outputFull) { wanted |= EPOLLIN.rawValue }
        if writeBlocked { wanted |= EPOLLOUT.rawValue }
        if wanted != interest {
            interest = wanted
            loop.updateInterest(self)
        }
    }

    // MARK: Closing

    /// Asks the connection to close after its current exchange (graceful shutdown).
    func shutdownGracefully() {
        shutdownRequested = true
        keepAlive = false
        if exchange == nil && (phase == .idle || phase == .closing) && outputPending == 0 {
            closeNow(reason: .shutdown)
        }
    }

    /// Closes the socket now, cancels the handler task and fails a waiting writer.
    func closeNow(reason: CloseReason) {
        guard phase != .closed else { return }
        phase = .closed
        if reason == .shutdown { closeError = .shuttingDown }
        if reason == .writeStall { closeError = .writeStalled }
        loop.unregister(self)
        close(fd)
        if let current = exchange {
            exchange = nil
            report(current, completed: false)
        }
        task?.cancel()
        task = nil
        worker?.cancel()
        queuedWork = nil
        retireWorker()
        if let waiter = drainWaiter {
            drainWaiter = nil
            waiter.resume(throwing: closeError)
        }
        input = []
        output = []
        inputStart = 0
        outputStart = 0
    }

    // MARK: Helpers

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let lastChunk = Array("0\r\n\r\n".utf8)

    /// An incoming `x-request-id` is honoured when it is 1...128 characters of `[A-Za-z0-9._:-]`.
    static func saneRequestID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: ":"):
                continue
            default:
                return nil
            }
        }
        return value
    }

    private static let overCapacity = Array(
        ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + "Retry-After: 1\r\nContent-Length: 104\r\n\r\n"
            + #"{"error":{"message":"Too many open connections","type":"server_error","param":null,"code":"overloaded"}}"#)
            .utf8)

    /// Best-effort 503 for a connection over `maxConnections`, then close.
    static func refuseOverCapacity(fd: Int32) {
        overCapacity.withUnsafeBytes { raw in
            _ = send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        }
        shutdown(fd, Int32(SHUT_WR))
        close(fd)
    }
}
