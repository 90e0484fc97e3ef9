#if canImport(Glibc)
import Glibc
#endif
import CLayersHTTP
import Foundation
import Synchronization

/// One epoll event loop on its own thread. It owns its listener, its connections and their buffers; other
/// threads reach it only through `execute` (a locked queue plus an eventfd wake-up).
///
/// It is also a `TaskExecutor`: handler tasks created with it as executor preference run their jobs on this
/// thread between epoll rounds, so a handler that answers at once costs no thread hop.
///
/// `@unchecked Sendable`: every stored `var` is touched only on the loop thread (checked by `inEventLoop`
/// in debug builds); the only cross-thread state is `remote`, which is a `Mutex`.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    struct RemoteQueue: ~Copyable {
        var tasks: [@Sendable () -> Void] = []
        var jobs: [UnownedJob] = []
    }

    let index: Int
    let server: ServerContext
    private let epollFD: Int32
    private let wakeFD: Int32
    private let remote = Mutex(RemoteQueue())
    /// Set once by `run()` before the server's `start()` returns (it waits for every loop to be running).
    private var ownThread: pthread_t = pthread_t()

    // Loop-thread state.
    @exclusivity(unchecked) private var localTasks: [() -> Void] = []
    @exclusivity(unchecked) private var localJobs: [UnownedJob] = []
    @exclusivity(unchecked) private var connections: [Connection?] = []
    private(set) var connectionCount = 0
    private var listenerFD: Int32 = -1
    private var stopping = false
    private var shuttingDown = false
    private var nextTick: UInt64 = 0
    let tickNanoseconds: UInt64
    @exclusivity(unchecked) var dateCache = DateHeaderCache()
    /// Scratch buffer for reads, shared by this loop's connections.
    var readBuffer: UnsafeMutableRawBufferPointer
    private var requestCounter: UInt64 = 0
    private let requestIDPrefix: [UInt8]

    private static let listenerTag: UInt64 = 1 << 40
    private static let wakeTag: UInt64 = 1 << 41
    /// Tag bit of descriptors watched for other libraries (`IOLoop.watch`); the low bits are the descriptor.
    private static let foreignTag: UInt64 = 1 << 42

    // Other libraries' I/O on this loop (`IOLoop`), loop thread only.
    @exclusivity(unchecked) private var watchers: [Int32: (IOReadiness) -> Void] = [:]
    @exclusivity(unchecked) private var timers: [IOTimer] = []
    @exclusivity(unchecked) private var stopHandlers: [() -> Void] = []

    init(index: Int, server: ServerContext) throws {
        self.index = index
        self.server = server
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw SystemCallError(call: "epoll_create1", errno: errno) }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFD >= 0 else { throw SystemCallError(call: "eventfd", errno: errno) }
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        tickNanoseconds = server.tickNanoseconds
        var random: UInt32 = 0
        withUnsafeMutableBytes(of: &random) { _ = getrandom($0.baseAddress, 4, 0) }
        requestIDPrefix = Array((String(random, radix: 16) + String(index, radix: 16) + "-").utf8)
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.wakeTag))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        close(epollFD)
        close(wakeFD)
        readBuffer.deallocate()
    }

    var inEventLoop: Bool {
        pthread_equal(pthread_self(), ownThread) != 0
    }

    /// Adopts a listening socket (before `run`).
    func adoptListener(_ fd: Int32) {
        listenerFD = fd
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.listenerTag | UInt64(fd)))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    // MARK: Cross-thread entry points

    /// Runs `task` on the loop thread (inline when already there).
    func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            task()
            return
        }
        let wasEmpty = remote.withLock { queue in
            let empty = queue.tasks.isEmpty && queue.jobs.isEmpty
            queue.tasks.append(task)
            return empty
        }
        if wasEmpty { wake() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        if inEventLoop {
            localJobs.append(job)
            return
        }
        let wasEmpty = remote.withLock { queue in
            let empty = queue.tasks.isEmpty && queue.jobs.isEmpty
            queue.jobs.append(job)
            return empty
        }
        if wasEmpty { wake() }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: The loop

    /// Runs until `stop()`; called on the loop's own thread.
    func run(started: @Sendable () -> Void) {
        ownThread = pthread_self()
        nameThread("http-loop-\(index)")
        started()
        let maxEvents = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: maxEvents)
        defer { events.deallocate() }
        nextTick = monotonicNanoseconds() + tickNanoseconds
        while !stopping {
            let timeout: Int32
            if !localJobs.isEmpty || !localTasks.isEmpty {
                timeout = 0
            } else {
                let now = monotonicNanoseconds()
                let wakeAt = min(nextTick, earliestTimer())
                timeout = wakeAt > now ? Int32((wakeAt - now + 999_999) / 1_000_000) : 0
            }
            let count = epoll_wait(epollFD, events, Int32(maxEvents), timeout)
            if count < 0 && errno != EINTR { break }
            now = monotonicNanoseconds()
            for i in 0..<max(0, Int(count)) {
                let event = events[i]
                let tag = event.data.u64
                if tag == Self.wakeTag {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if tag & Self.listenerTag != 0 {
                    acceptConnections()
                } else if tag & Self.foreignTag != 0 {
                    watchers[Int32(truncatingIfNeeded: tag & 0xFFFF_FFFF)]?(IOReadiness(epollEvents: event.events))
                } else {
                    let fd = Int(tag)
                    if fd < connections.count, let connection = connections[fd] {
                        connection.handle(events: event.events)
                    }
                }
            }
            runPending()
            if !timers.isEmpty && fireDueTimers() { runPending() }
            flushScheduled()
            if now >= nextTick {
                nextTick = now + tickNanoseconds
                for case let connection? in connections { connection.checkDeadline(now: now) }
                resumeAccepting()
            }
        }
        for case let connection? in connections { connection.closeNow(reason: .shutdown) }
        runPending()
        let handlers = stopHandlers
        stopHandlers.removeAll()
        for handler in handlers { handler() }
        runPending()
        if listenerFD >= 0 { close(listenerFD) }
        listenerFD = -1
    }

    /// Names the calling thread (as `top -H`, `perf` and debuggers show it); Linux keeps at most 15 bytes.
    private func nameThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private func runPending() {
        // A bounded number of rounds so I/O is never starved by tasks that keep re-enqueueing.
        var rounds = 0
        repeat {
            let (tasks, jobs) = remote.withLock { queue -> ([@Sendable () -> Void], [UnownedJob]) in
                defer {
                    queue.tasks.removeAll(keepingCapacity: true)
                    queue.jobs.removeAll(keepingCapacity: true)
                }
                return (queue.tasks, queue.jobs)
            }
            for task in tasks { task() }
            localJobs.append(contentsOf: jobs)
            if !localTasks.isEmpty {
                let batch = localTasks
                localTasks.removeAll(keepingCapacity: true)
                for task in batch { task() }
            }
            if !localJobs.isEmpty {
                let batch = localJobs
                localJobs.removeAll(keepingCapacity: true)
                let executor = asUnownedTaskExecutor()
                for job in batch { job.runSynchronously(on: executor) }
            }
            rounds += 1
        } while rounds < 4 && (!localJobs.isEmpty || !localTasks.isEmpty)
    }

    /// Runs `task` later on this loop (never inline). Loop thread only.
    func schedule(_ task: @escaping () -> Void) {
        localTasks.append(task)
    }

    /// Connections with output to send at the end of this round (one send per connection per round).
    @exclusivity(unchecked) private var flushList: [Connection] = []

    func scheduleFlush(_ connection: Connection) {
        flushList.append(connection)
    }

    private func flushScheduled() {
        while !flushList.isEmpty {
            let batch = flushList
            flushList.removeAll(keepingCapacity: true)
            for connection in batch { connection.flushIfScheduled() }
        }
    }

    /// Monotonic time, refreshed after every epoll wait. Loop thread only.
    private(set) var now: UInt64 = 0

    // MARK: Connections

    private func acceptConnections() {
        for _ in 0..<64 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    clayers_accept_nonblocking(listenerFD, $0, &length)
                }
            }
            if fd < 0 {
                let error = errno
                // Out of descriptors (or kernel memory): the listener stays readable, so a level-triggered
                // loop would spin on accept. Stop watching it until the next tick, when slots may have freed.
                if error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM { pauseAccepting() }
                return  // EAGAIN (nothing queued), ECONNABORTED and the like: wait for the next event
            }
            if shuttingDown {
                close(fd)
                continue
            }
            guard server.reserveConnectionSlot() else {
                Connection.refuseOverCapacity(fd: fd)
                continue
            }
            Socket.setNoDelay(fd)
            let connection = Connection(fd: fd, loop: self, remoteAddress: Socket.addressPort(storage).text)
            register(connection)
        }
    }

    /// The listener is out of the epoll set after descriptor exhaustion; re-added at the next deadline tick.
    private var acceptPaused = false
    /// How many times accepting was paused (read from other threads, for tests and diagnostics).
    let acceptPauseCounter = Atomic<Int>(0)

    private func pauseAccepting() {
        guard !acceptPaused, listenerFD >= 0 else { return }
        acceptPaused = true
        acceptPauseCounter.add(1, ordering: .relaxed)
        epoll_ctl(epollFD, EPOLL_CTL_DEL, listenerFD, nil)
    }

    private func resumeAccepting() {
        guard acceptPaused else { return }
        acceptPaused = false
        guard listenerFD >= 0, !shuttingDown else { return }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: Self.listenerTag | UInt64(listenerFD)))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, listenerFD, &event)
    }

    private func register(_ connection: Connection) {
        let fd = Int(connection.fd)
        if fd >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: fd - connections.count + 1))
        }
        connections[fd] = connection
        connectionCount += 1
        var event = epoll_event(events: connection.interest, data: epoll_data_t(u64: UInt64(fd)))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, connection.fd, &event)
    }

    /// Changes the epoll interest of a registered connection.
    func updateInterest(_ connection: Connection) {
        var event = epoll_event(events: connection.interest, data: epoll_data_t(u64: UInt64(connection.fd)))
        epoll_ctl(epollFD, EPOLL_CTL_MOD, connection.fd, &event)
    }

    /// Forgets a connection whose descriptor is about to be closed.
    func unregister(_ connection: Connection) {
        let fd = Int(connection.fd)
        if fd < connections.count, connections[fd] === connection {
            connections[fd] = nil
            connectionCount -= 1
            server.releaseConnectionSlot()
        }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        if shuttingDown && connectionCount == 0 { server.loopDrained(self) }
    }

    /// A new request id: `<loop prefix><counter in hex>`.
    func nextRequestID() -> String {
        requestCounter &+= 1
        let counter = requestCounter
        return String(unsafeUninitializedCapacity: requestIDPrefix.count + 16) { buffer in
            var index = 0
            for byte in requestIDPrefix {
                buffer[index] = byte
                index += 1
            }
            let hex: StaticString = "0123456789abcdef"
            var shift = 60
            while shift > 0 && (counter >> UInt64(shift)) & 0xF == 0 { shift -= 4 }
            while shift >= 0 {
                buffer[index] = hex.utf8Start[Int((counter >> UInt64(shift)) & 0xF)]
                index += 1
                shift -= 4
            }
            return index
        }
    }

    // MARK: Other libraries' descriptors and timers (loop thread)

    /// Watches `fd` for `interest` (adds it, or changes the interest of a watched one); `handler` runs on this
    /// loop with the readiness epoll reported. Level-triggered, as `poll` is.
    func watch(_ fd: Int32, for interest: IOReadiness, handler: @escaping (IOReadiness) -> Void) {
        var event = epoll_event(events: interest.epollEvents, data: epoll_data_t(u64: Self.foreignTag | UInt64(UInt32(bitPattern: fd))))
        if watchers.updateValue(handler, forKey: fd) == nil || epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) != 0 {
            // New, or closed and reopened under the same number since (epoll forgot it when it was closed).
            epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
        }
    }

    /// Stops watching `fd` (before it is closed).
    func unwatch(_ fd: Int32) {
        guard watchers.removeValue(forKey: fd) != nil else { return }
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Makes `timer` due: it fires once, on this loop, after `deadline` (monotonic nanoseconds).
    func arm(_ timer: IOTimer) {
        if !timer.isListed {
            timer.isListed = true
            timers.append(timer)
        }
    }

    private func earliestTimer() -> UInt64 {
        var earliest = UInt64.max
        for timer in timers where timer.deadline < earliest { earliest = timer.deadline }
        return earliest
    }

    /// Fires the timers that are due; returns whether any fired.
    private func fireDueTimers() -> Bool {
        let now = monotonicNanoseconds()
        var due: [IOTimer] = []
        timers.removeAll { timer in
            if timer.deadline == .max {
                timer.isListed = false
                return true
            }
            guard timer.deadline <= now else { return false }
            timer.isListed = false
            due.append(timer)
            return true
        }
        for timer in due {
            timer.deadline = .max
            timer.fire()
        }
        return !due.isEmpty
    }

    /// Runs `handler` on this loop when it stops, after its connections are closed.
    func onStop(_ handler: @escaping () -> Void) {
        stopHandlers.append(handler)
    }

    // MARK: Shutdown (loop thread)

    /// Stops accepting, closes idle connections, and asks busy ones to close after their current exchange.
    func beginShutdown() {
        shuttingDown = true
        if listenerFD >= 0 {
            epoll_ctl(epollFD, EPOLL_CTL_DEL, listenerFD, nil)
            close(listenerFD)
            listenerFD = -1
        }
        for case let connection? in connections { connection.shutdownGracefully() }
        if connectionCount == 0 { server.loopDrained(self) }
    }

    /// Closes everything now (the shutdown deadline passed), cancelling handlers.
    func forceCloseAll() {
        for case let connection? in connections { connection.closeNow(reason: .shutdown) }
    }

    func stop() {
        stopping = true
    }

    var isShuttingDown: Bool { shuttingDown }
}
