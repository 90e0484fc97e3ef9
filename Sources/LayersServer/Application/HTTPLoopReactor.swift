import LayersGateway
import LayersHTTP

/// One of the HTTP server's event loops (``IOLoop``) as the upstream client's ``UpstreamReactor``: provider
/// calls made by a handler then run on the loop that took the request.
struct HTTPLoopReactor: UpstreamReactor {
    let loop: IOLoop

    init(_ loop: IOLoop) { self.loop = loop }

    var isCurrent: Bool { loop.isCurrent }

    func execute(_ task: @escaping @Sendable () -> Void) { loop.execute(task) }

    /// `IOReadiness` and `UpstreamReadiness` use the same bits (readable 1, writable 2, error 4).
    func watch(_ fd: Int32, for interest: UpstreamReadiness, handler: @escaping (UpstreamReadiness) -> Void) {
        loop.watch(fd, for: IOReadiness(rawValue: interest.rawValue)) { handler(UpstreamReadiness(rawValue: $0.rawValue)) }
    }

    func unwatch(_ fd: Int32) { loop.unwatch(fd) }

    func makeTimer(_ fire: @escaping () -> Void) -> any UpstreamReactorTimer { Timer(timer: loop.makeTimer(fire)) }

    func onStop(_ handler: @escaping () -> Void) { loop.onStop(handler) }

    private struct Timer: UpstreamReactorTimer {
        let timer: IOTimer
        func schedule(afterNanoseconds nanoseconds: UInt64) { timer.schedule(afterNanoseconds: nanoseconds) }
        func cancel() { timer.cancel() }
    }
}
