import CCurl
import Foundation
import Synchronization

/// A `CurlMulti` driven by an event loop (``UpstreamReactor``) through libcurl's socket interface: curl tells us
/// which sockets to watch and when to call it back (`CURLMOPT_SOCKETFUNCTION`, `CURLMOPT_TIMERFUNCTION`), the
/// loop reports readiness, and `curl_multi_socket_action` does the work, all on the loop's thread.
///
/// A request made on that thread is added to curl at once, and its response wakes the same thread that resumes
/// the waiting handler: no thread hand-off either way (with a `CurlLoop` there are two, each a wake-up and a
/// context switch).
///
/// `@unchecked Sendable`: `multi`, `curlDeadline`, `timer` and the callbacks are used on the reactor's thread
/// only (`submit` checks it; the other commands hop there through `execute`); `stopped` is atomic.
final class CurlReactorLoop: CurlDriver, @unchecked Sendable {
    let reactor: any UpstreamReactor
    private let multi: CurlMulti
    private var timer: (any UpstreamReactorTimer)?
    /// When curl wants `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` (monotonic ns); `.max`: never.
    private var curlDeadline: UInt64 = .max
    private let stopped = Atomic<Bool>(false)
    /// Transfers started on this loop (for tests and diagnostics).
    let transferCount = Atomic<Int>(0)

    private static let socketTimeout: Int32 = -1  // CURL_SOCKET_TIMEOUT

    init(reactor: any UpstreamReactor, configuration: UpstreamClientConfiguration) {
        self.reactor = reactor
        multi = CurlMulti(configuration: configuration)
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        ccurl_multi_setopt_socket_function(multi.handle, curlSocketCallback)
        ccurl_multi_setopt_pointer(multi.handle, CURLMOPT_SOCKETDATA, opaque)
        ccurl_multi_setopt_timer_function(multi.handle, curlTimerCallback)
        ccurl_multi_setopt_pointer(multi.handle, CURLMOPT_TIMERDATA, opaque)
        timer = reactor.makeTimer { [unowned self] in self.timerFired() }
        // The loop keeps its driver until it stops; then transfers in flight fail and curl is freed.
        reactor.execute { [self] in
            reactor.onStop { self.stop() }
        }
    }

    /// Whether its event loop has stopped.
    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    /// Whether new transfers may start here: the caller is on the loop's thread and the loop still runs.
    var acceptsTransfersHere: Bool { reactor.isCurrent && !stopped.load(ordering: .relaxed) }

    // MARK: commands

    /// Starts `transfer` at once; on the reactor's thread only (`acceptsTransfersHere`).
    func submit(_ transfer: CurlTransfer) {
        guard reactor.isCurrent, !stopped.load(ordering: .relaxed) else {
            transfer.finish(error: .clientShutdown)
            return
        }
        transferCount.add(1, ordering: .relaxed)
        multi.add(transfer)
        // curl asks to be called back at once for a new transfer: do it now rather than at the end of the loop's
        // round, so the provider starts on the request while the loop runs the round's other handlers.
        runCurlTimerIfDue()
        settle()
    }

    func requestCancel(_ transfer: CurlTransfer) {
        reactor.execute { [self] in
            guard !stopped.load(ordering: .relaxed) else { return }
            multi.cancel(transfer)
            settle()
        }
    }

    func requestResume(_ transfer: CurlTransfer) {
        reactor.execute { [self] in
            guard !stopped.load(ordering: .relaxed) else { return }
            multi.resume(transfer)
            settle()
        }
    }

    func firstByteArrived(_ transfer: CurlTransfer) { multi.firstByteArrived(transfer) }

    // MARK: reactor thread

    /// Readiness of a socket curl asked us to watch.
    fileprivate func socketReady(_ fd: Int32, _ readiness: UpstreamReadiness) {
        guard !stopped.load(ordering: .relaxed) else { return }
        var mask: Int32 = 0
        if readiness.contains(.readable) { mask |= Int32(CURL_CSELECT_IN) }
        if readiness.contains(.writable) { mask |= Int32(CURL_CSELECT_OUT) }
        if readiness.contains(.error) { mask |= Int32(CURL_CSELECT_ERR) }
        var running: Int32 = 0
        curl_multi_socket_action(multi.handle, fd, mask, &running)
        settle()
    }

    /// curl's socket callback: watch `fd` for `what` (`CURL_POLL_*`), or stop watching it.
    fileprivate func curlWantsSocket(_ fd: Int32, _ what: Int32) {
        switch what {
        case Int32(CURL_POLL_REMOVE):
            reactor.unwatch(fd)
        default:
            var interest: UpstreamReadiness = []
            if what & Int32(CURL_POLL_IN) != 0 { interest.insert(.readable) }
            if what & Int32(CURL_POLL_OUT) != 0 { interest.insert(.writable) }
            reactor.watch(fd, for: interest) { [unowned self] readiness in self.socketReady(fd, readiness) }
        }
    }

    /// curl's timer callback: call back in `milliseconds` (-1: never). No curl call may happen in here.
    fileprivate func curlWantsTimer(_ milliseconds: Int) {
        curlDeadline = milliseconds < 0 ? .max : monotonicNanos() + UInt64(milliseconds) * 1_000_000
    }

    private func timerFired() {
        guard !stopped.load(ordering: .relaxed) else { return }
        runCurlTimerIfDue()
        settle()
    }

    /// Calls `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)` when curl's timer is due.
    private func runCurlTimerIfDue() {
        guard curlDeadline != .max, monotonicNanos() >= curlDeadline else { return }
        curlDeadline = .max
        var running: Int32 = 0
        curl_multi_socket_action(multi.handle, Self.socketTimeout, 0, &running)
    }

    /// After any curl call: finishes what completed, applies our deadlines, and sets the timer for the next
    /// of curl's and ours.
    private func settle() {
        multi.drainCompletions()
        let now = monotonicNanos()
        let next = min(curlDeadline, multi.enforceDeadlines(now: now))
        if next == .max {
            timer?.cancel()
        } else {
            timer?.schedule(afterNanoseconds: next > now ? next - now : 0)
        }
    }

    /// The loop stops: transfers in flight fail with `clientShutdown`, curl is freed.
    private func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        multi.abortAll(error: .clientShutdown)
        timer?.cancel()
        multi.close()
        timer = nil
    }
}

private let curlSocketCallback: curl_socket_callback = { _, socket, what, userdata, _ in
    guard let userdata else { return 0 }
    Unmanaged<CurlReactorLoop>.fromOpaque(userdata).takeUnretainedValue().curlWantsSocket(socket, what)
    return 0
}

private let curlTimerCallback: curl_multi_timer_callback = { _, milliseconds, userdata in
    guard let userdata else { return 0 }
    Unmanaged<CurlReactorLoop>.fromOpaque(userdata).takeUnretainedValue().curlWantsTimer(milliseconds)
    return 0
}
