import CCurl
import Foundation

/// A `CurlMulti` driven by a dedicated thread (`curl_multi_poll`): used for calls that are not made on an
/// event loop the client is attached to (see `UpstreamHTTPClient.attach(to:)`).
///
/// All curl calls happen on that thread. Other threads talk to it through a locked command queue and
/// `curl_multi_wakeup`, which is the only multi call documented as thread-safe.
/// `@unchecked Sendable`: `multi` is used on the loop thread only (after `init` hands it over); `commands`
/// (the queue and the stopping flag) is locked.
final class CurlLoop: CurlDriver, @unchecked Sendable {
    enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    private let multi: CurlMulti
    private let commands = Locked<(queue: [Command], stopping: Bool)>(([], false))
    private var thread: Thread?

    init(configuration: UpstreamClientConfiguration, name: String) {
        multi = CurlMulti(configuration: configuration)
        let thread = Thread { [self] in
            Self.nameCurrentThread(name)
            self.run()
        }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    // MARK: any thread

    func submit(_ transfer: CurlTransfer) { post(.add(transfer)) }
    func requestCancel(_ transfer: CurlTransfer) { post(.cancel(transfer)) }
    func requestResume(_ transfer: CurlTransfer) { post(.resume(transfer)) }

    func shutdown() {
        let first = commands.withLock { c -> Bool in
            defer { c.stopping = true }
            return !c.stopping
        }
        if first { curl_multi_wakeup(multi.handle) }
    }

    /// Queues a command and wakes the loop, unless commands are already queued: the loop has then been woken and
    /// has not yet taken the queue, which it takes whole (one wake-up, one poll return, per batch of commands).
    private func post(_ command: Command) {
        let (accepted, wake) = commands.withLock { c -> (Bool, Bool) in
            if c.stopping { return (false, false) }
            let wasEmpty = c.queue.isEmpty
            c.queue.append(command)
            return (true, wasEmpty)
        }
        if accepted {
            if wake { curl_multi_wakeup(multi.handle) }
        } else if case .add(let transfer) = command {
            transfer.finish(error: .clientShutdown)
        }
    }

    // MARK: loop thread

    func firstByteArrived(_ transfer: CurlTransfer) { multi.firstByteArrived(transfer) }

    /// Names the calling thread as `top -H` and `perf` show it (`Thread.name` does not reach the kernel on Linux);
    /// Linux keeps at most 15 bytes.
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    private func run() {
        var running: Int32 = 0
        while true {
            let (queue, stopping) = commands.withLock { c -> ([Command], Bool) in
                defer { c.queue.removeAll(keepingCapacity: true) }
                return (c.queue, c.stopping)
            }
            if stopping { break }
            for command in queue {
                switch command {
                case .add(let transfer): multi.add(transfer)
                case .cancel(let transfer): multi.cancel(transfer)
                case .resume(let transfer): multi.resume(transfer)
                }
            }
            curl_multi_perform(multi.handle, &running)
            multi.drainCompletions()
            let now = monotonicNanos()
            let next = multi.enforceDeadlines(now: now)
            // Until the earliest deadline, at most a second (curl's own timeouts are within its poll).
            let wait = next == .max ? 1000 : next <= now ? 0 : Int32(min(1000, (next - now + 999_999) / 1_000_000))
            var fds: Int32 = 0
            curl_multi_poll(multi.handle, nil, 0, wait, &fds)
        }
        multi.abortAll(error: .clientShutdown)
        for command in commands.withLock({ $0.queue }) {
            if case .add(let t) = command { t.finish(error: .clientShutdown) }
        }
        multi.close()
    }
}
