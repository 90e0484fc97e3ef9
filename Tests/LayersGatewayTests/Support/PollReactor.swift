import Foundation
import LayersGateway
import Synchronization

/// A small `UpstreamReactor` for tests, independent of LayersHTTP: one thread running `poll(2)` over the watched
/// descriptors, one-shot timers, a task queue, and a `TaskExecutor`, so a test can run code on its thread
/// (`Task(executorPreference: reactor)`) and the client's calls made there go through the reactor.
///
/// `@unchecked Sendable`: `watchers`, `timers` and `stopHandlers` are touched only on the reactor thread;
/// `inbox` and `owner` are locked.
final class PollReactor: UpstreamReactor, TaskExecutor, @unchecked Sendable {
    private struct Inbox {
        var tasks: [@Sendable () -> Void] = []
        var jobs: [UnownedJob] = []
        var stopping = false
    }

    private let inbox = Mutex(Inbox())
    private let owner = Mutex<pthread_t?>(nil)
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let exited = DispatchSemaphore(value: 0)
    private var watchers: [Int32: (interest: UpstreamReadiness, handler: (UpstreamReadiness) -> Void)] = [:]
    private var timers: [Timer] = []
    private var stopHandlers: [() -> Void] = []

    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, O_NONBLOCK)
        let ready = DispatchSemaphore(value: 0)
        Thread { [self] in
            owner.withLock { $0 = pthread_self() }
            ready.signal()
            run()
            exited.signal()
        }.start()
        ready.wait()
    }

    /// Stops the loop (its stop handlers run first) and waits for its thread to end.
    func stop() {
        inbox.withLock { $0.stopping = true }
        wake()
        exited.wait()
        close(wakeRead)
        close(wakeWrite)
    }

    // MARK: UpstreamReactor

    var isCurrent: Bool { owner.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } ?? false } }

    func execute(_ task: @escaping @Sendable () -> Void) {
        inbox.withLock { $0.tasks.append(task) }
        wake()
    }

    func watch(_ fd: Int32, for interest: UpstreamReadiness, handler: @escaping (UpstreamReadiness) -> Void) {
        precondition(isCurrent)
        watchers[fd] = (interest, handler)
    }

    func unwatch(_ fd: Int32) {
        precondition(isCurrent)
        watchers[fd] = nil
    }

    func makeTimer(_ fire: @escaping () -> Void) -> any UpstreamReactorTimer { Timer(reactor: self, fire: fire) }

    func onStop(_ handler: @escaping () -> Void) {
        precondition(isCurrent)
        stopHandlers.append(handler)
    }

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        inbox.withLock { $0.jobs.append(job) }
        wake()
    }

    // MARK: the loop

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func run() {
        while true {
            let (tasks, jobs, stopping) = inbox.withLock { inbox in
                defer { inbox.tasks = []; inbox.jobs = [] }
                return (inbox.tasks, inbox.jobs, inbox.stopping)
            }
            for task in tasks { task() }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            if stopping {
                for handler in stopHandlers { handler() }
                // What the stop handlers resumed (callers of failed transfers) still runs here.
                let (tasks, jobs) = inbox.withLock { ($0.tasks, $0.jobs) }
                for task in tasks { task() }
                for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
                return
            }
            fireDueTimers()
            let pending = inbox.withLock { !$0.tasks.isEmpty || !$0.jobs.isEmpty }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for (fd, watcher) in watchers {
                var events: Int16 = 0
                if watcher.interest.contains(.readable) { events |= Int16(POLLIN) }
                if watcher.interest.contains(.writable) { events |= Int16(POLLOUT) }
                fds.append(pollfd(fd: fd, events: events, revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), pending ? 0 : timeoutMilliseconds())
            var drain = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &drain, 64) > 0 {}
            for entry in fds.dropFirst() where entry.revents != 0 {
                var readiness: UpstreamReadiness = []
                if entry.revents & Int16(POLLIN) != 0 { readiness.insert(.readable) }
                if entry.revents & Int16(POLLOUT) != 0 { readiness.insert(.writable) }
                if entry.revents & Int16(POLLERR | POLLHUP) != 0 { readiness.insert(.error) }
                watchers[entry.fd]?.handler(readiness)  // a handler may have unwatched it meanwhile
            }
        }
    }

    private func timeoutMilliseconds() -> Int32 {
        guard let next = timers.map(\.deadline).min() else { return 1000 }
        let now = DispatchTime.now().uptimeNanoseconds
        return next <= now ? 0 : Int32(min(1000, (next - now + 999_999) / 1_000_000))
    }

    private func fireDueTimers() {
        let now = DispatchTime.now().uptimeNanoseconds
        let due = timers.filter { $0.deadline <= now }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.fire() }
    }

    /// Loop thread only.
    final class Timer: UpstreamReactorTimer {
        unowned let reactor: PollReactor
        let fire: () -> Void
        var deadline: UInt64 = .max

        init(reactor: PollReactor, fire: @escaping () -> Void) {
            self.reactor = reactor
            self.fire = fire
        }

        func schedule(afterNanoseconds nanoseconds: UInt64) {
            precondition(reactor.isCurrent)
            deadline = DispatchTime.now().uptimeNanoseconds + min(nanoseconds, 3_600_000_000_000)
            if !reactor.timers.contains(where: { $0 === self }) { reactor.timers.append(self) }
        }

        func cancel() {
            precondition(reactor.isCurrent)
            deadline = .max
            reactor.timers.removeAll { $0 === self }
        }
    }
}
