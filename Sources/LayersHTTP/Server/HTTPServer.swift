#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization

/// The HTTP/1.1 server: N epoll loops (one per core by default), each with its own `SO_REUSEPORT` listener.
///
/// ```swift
/// var router = Router()
/// router.add(.get, "/health") { _ in .text("ok") }
/// let server = HTTPServer(configuration: .init(host: "0.0.0.0", port: 8080), responder: router)
/// try await server.runUntilSignal()   // SIGINT/SIGTERM -> graceful shutdown within the configured deadline
/// ```
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: ServerContext

    private enum Phase {
        case idle
        case running
        case stopping
        case stopped
    }

    private struct State {
        var phase: Phase = .idle
        var loops: [EventLoop] = []
        var port: Int?
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.context = ServerContext(configuration: configuration, responder: responder)
    }

    /// The bound port once started.
    public var port: Int? { state.withLock { $0.port } }

    /// Event loops (threads) running; 0 before `start()`. With `loopCount: 0` it is one per core.
    public var loopCount: Int { state.withLock { $0.loops.count } }

    /// The running event loops, for other libraries' I/O (``IOLoop``); empty before `start()`.
    public var ioLoops: [IOLoop] { state.withLock { $0.loops.map(IOLoop.init(loop:)) } }

    /// Connection worker tasks started so far (`handlerExecution: .eventLoop`; for tests).
    var workerTasksStarted: Int { context.workerTasksStarted.load(ordering: .relaxed) }

    /// Open connections right now (all loops).
    public var openConnectionCount: Int { context.openConnectionCount }

    /// Binds the listeners and starts the loops; returns the bound port (useful with `port: 0`).
    @discardableResult
    public func start() throws -> Int {
        try state.withLock { state in
            guard state.phase == .idle else { throw HTTPServerError.alreadyStarted }
            signal(SIGPIPE, SIG_IGN)
            Self.raiseDescriptorLimit()
            let count = configuration.loopCount > 0 ? configuration.loopCount : max(1, ProcessInfo.processInfo.activeProcessorCount)
            var loops: [EventLoop] = []
            var port = configuration.port
            do {
                for index in 0..<count {
                    let listener = try Socket.listen(host: configuration.host, port: port, backlog: configuration.backlog, reusePort: true)
                    port = listener.port
                    let loop = try EventLoop(index: index, server: context)
                    loop.adoptListener(listener.fd)
                    loops.append(loop)
                }
            }
            let started = DispatchSemaphore(value: 0)
            for loop in loops {
                let thread = Thread { [self] in
                    loop.run { started.signal() }
                    self.loopExited()
                }
                thread.name = "http-loop-\(loop.index)"
                thread.stackSize = 1 << 20
                thread.start()
            }
            for _ in loops { started.wait() }
            state.loops = loops
            state.port = port
            state.phase = .running
            return port
        }
    }

    /// Raises the soft limit on open descriptors to the hard limit (as Go's runtime does): the usual soft
    /// limit of 1024 would cap the server far below `maxConnections`.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Times a loop stopped accepting because the process ran out of descriptors (all loops).
    public var acceptPauseCount: Int {
        let loops = state.withLock { $0.loops }
        return loops.reduce(0) { $0 + $1.acceptPauseCounter.load(ordering: .relaxed) }
    }

    private let exitedLoops = Atomic<Int>(0)
    private let signals = Mutex<SignalCatcher?>(nil)

    private func loopExited() {
        let (_, exited) = exitedLoops.add(1, ordering: .acquiringAndReleasing)
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            guard exited == state.loops.count else { return [] }
            state.phase = .stopped
            defer { state.stopWaiters = [] }
            return state.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the server has stopped (after `shutdown`). Returns at once if it never started.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.phase == .stopped || state.phase == .idle { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Graceful shutdown: stop accepting, close idle connections, let in-flight requests and streams finish
    /// until `deadline` (default: the configured `shutdownDeadline`), then close the rest (cancelling their
    /// handlers) and stop the loops. Safe to call more than once.
    public func shutdown(deadline: Duration? = nil) async {
        let loops: [EventLoop]? = state.withLock { state in
            guard state.phase == .running else { return nil }
            state.phase = .stopping
            return state.loops
        }
        guard let loops else {
            await waitUntilStopped()
            return
        }
        for loop in loops { loop.execute { loop.beginShutdown() } }
        let limit = ContinuousClock.now + (deadline ?? configuration.shutdownDeadline)
        while context.drainedLoopCount() < loops.count && ContinuousClock.now < limit {
            try? await Task.sleep(for: .milliseconds(5))
        }
        for loop in loops {
            loop.execute {
                loop.forceCloseAll()
                loop.stop()
            }
        }
        await waitUntilStopped()
    }

    /// Installs the SIGINT/SIGTERM handlers that ``runUntilSignal()`` waits for. Call it before `start()` when a
    /// signal may arrive between `start()` and `runUntilSignal()`: it is then kept for `runUntilSignal()`
    /// instead of killing the process with the default action.
    public func catchSignals() {
        _ = signalCatcher()
    }

    private func signalCatcher() -> SignalCatcher {
        signals.withLock { catcher in
            if let catcher { return catcher }
            let created = SignalCatcher()
            catcher = created
            return created
        }
    }

    /// Starts (if needed), waits for SIGINT or SIGTERM (or another caller's `shutdown`), then shuts down
    /// gracefully within `configuration.shutdownDeadline`.
    public func runUntilSignal() async throws {
        let catcher = signalCatcher()
        if state.withLock({ $0.phase == .idle }) { try start() }
        let watcher = Task {
            await self.waitUntilStopped()
            catcher.once.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            catcher.once.arm(continuation)
        }
        catcher.cancel()
        signals.withLock { $0 = nil }
        await shutdown(deadline: configuration.shutdownDeadline)
        _ = await watcher.value
    }
}

/// SIGINT and SIGTERM turned into one event: their default action is replaced by dispatch sources that resume
/// `once`, from installation until `cancel()`.
private final class SignalCatcher: @unchecked Sendable {
    // @unchecked: `sources` is a constant set in init and only cancelled afterwards (DispatchSource is
    // thread-safe but not marked Sendable); `once` is Sendable.
    let once = ResumeOnce()
    private let sources: [DispatchSourceSignal]

    init() {
        let once = self.once
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { once.resume() }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// Resumes one continuation at most once, whichever event (signal or stop) comes first, even if it came
/// before the continuation was armed.
private final class ResumeOnce: Sendable {
    private struct Slot {
        var continuation: CheckedContinuation<Void, Never>?
        var fired = false
    }

    private let slot = Mutex(Slot())

    func arm(_ continuation: CheckedContinuation<Void, Never>) {
        let fireNow = slot.withLock { slot -> Bool in
            if slot.fired { return true }
            slot.continuation = continuation
            return false
        }
        if fireNow { continuation.resume() }
    }

    func resume() {
        let pending = slot.withLock { slot -> CheckedContinuation<Void, Never>? in
            slot.fired = true
            defer { slot.continuation = nil }
            return slot.continuation
        }
        pending?.resume()
    }
}
