#if canImport(Glibc)
import Glibc
#endif
import CLayersHTTP

/// One of an ``HTTPServer``'s event loops as other libraries see it: they may watch their own non-blocking
/// descriptors and keep timers on it, so their I/O runs on the loop's thread, between its connections' events,
/// without a thread (and two thread hand-offs per exchange) of its own. LayersServer runs libcurl's multi
/// interface on these loops for provider calls.
///
/// `isCurrent`, `execute` and `makeTimer` may be called from any thread; `watch`, `unwatch`, `onStop` and the
/// timers' `schedule`/`cancel` only on the loop's thread (`isCurrent`, or inside `execute`).
///
/// ```swift
/// let loop = server.ioLoops[0]
/// loop.execute {
///     loop.watch(fd, for: .readable) { readiness in /* read fd until EAGAIN */ }
/// }
/// ```
public struct IOLoop: Sendable {
    let loop: EventLoop

    /// The loop's position in ``HTTPServer/ioLoops``.
    public var index: Int { loop.index }

    /// Whether the calling thread is this loop's thread.
    public var isCurrent: Bool { loop.inEventLoop }

    /// Runs `task` on the loop's thread, later (never inline, even when called on that thread).
    public func execute(_ task: @escaping @Sendable () -> Void) {
        if loop.inEventLoop {
            loop.schedule(task)
        } else {
            loop.execute(task)
        }
    }

    /// Watches the non-blocking descriptor `fd` for `interest`, or changes the interest of a watched one.
    /// `handler` runs on the loop with what epoll reported (level-triggered, as `poll`). Loop thread only.
    public func watch(_ fd: Int32, for interest: IOReadiness, handler: @escaping (IOReadiness) -> Void) {
        precondition(loop.inEventLoop, "IOLoop.watch must be called on the loop's thread")
        loop.watch(fd, for: interest, handler: handler)
    }

    /// Stops watching `fd`; call it before closing the descriptor. Loop thread only.
    public func unwatch(_ fd: Int32) {
        precondition(loop.inEventLoop, "IOLoop.unwatch must be called on the loop's thread")
        loop.unwatch(fd)
    }

    /// A timer on this loop, not yet scheduled; `fire` runs on the loop's thread.
    public func makeTimer(_ fire: @escaping () -> Void) -> IOTimer {
        IOTimer(loop: loop, fire: fire)
    }

    /// Runs `handler` on the loop's thread when the loop stops (after its connections are closed, before the
    /// thread exits): the place to fail what is in flight and free resources. Loop thread only.
    public func onStop(_ handler: @escaping () -> Void) {
        precondition(loop.inEventLoop, "IOLoop.onStop must be called on the loop's thread")
        loop.onStop(handler)
    }
}

/// What a watched descriptor is ready for (or is watched for).
public struct IOReadiness: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let readable = IOReadiness(rawValue: 1)
    public static let writable = IOReadiness(rawValue: 2)
    /// An error or hang-up (reported whatever the interest).
    public static let error = IOReadiness(rawValue: 4)

    init(epollEvents: UInt32) {
        var readiness: IOReadiness = []
        if epollEvents & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 { readiness.insert(.readable) }
        if epollEvents & EPOLLOUT.rawValue != 0 { readiness.insert(.writable) }
        if epollEvents & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 { readiness.insert(.error) }
        self = readiness
    }

    var epollEvents: UInt32 {
        var events: UInt32 = 0
        if contains(.readable) { events |= EPOLLIN.rawValue }
        if contains(.writable) { events |= EPOLLOUT.rawValue }
        return events
    }
}

/// A one-shot timer on an ``IOLoop``: `schedule` (again) to move it, `cancel` to stop it. The loop wakes for it
/// with millisecond precision (it is epoll's timeout).
///
/// `@unchecked Sendable`: it may be created on any thread, but `deadline`, `isListed` and `fire` are read and
/// written only on its loop's thread (`schedule` and `cancel` check it).
public final class IOTimer: @unchecked Sendable {
    private let loop: EventLoop
    let fire: () -> Void
    /// Monotonic nanoseconds; `.max` when not scheduled.
    var deadline: UInt64 = .max
    /// Whether the loop's timer list holds it.
    var isListed = false

    init(loop: EventLoop, fire: @escaping () -> Void) {
        self.loop = loop
        self.fire = fire
    }

    /// Fires once, after `nanoseconds` from now (0: at the end of this loop round). Loop thread only.
    public func schedule(afterNanoseconds nanoseconds: UInt64) {
        precondition(loop.inEventLoop, "IOTimer.schedule must be called on the loop's thread")
        let now = monotonicNanoseconds()
        deadline = nanoseconds >= UInt64.max - now ? .max - 1 : now + nanoseconds
        loop.arm(self)
    }

    /// Unschedules it. Loop thread only.
    public func cancel() {
        precondition(loop.inEventLoop, "IOTimer.cancel must be called on the loop's thread")
        deadline = .max
    }

    /// Whether it is scheduled.
    public var isScheduled: Bool { deadline != .max }
}
