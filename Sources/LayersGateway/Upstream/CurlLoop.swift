import CCurl
import Foundation

/// One libcurl multi handle driven by one dedicated thread.
///
/// All curl calls happen on that thread. Other threads talk to it through a locked command queue and
/// `curl_multi_wakeup`, which is the only multi call documented as thread-safe.
/// `@unchecked Sendable`: `multi` and `active` are loop-thread-only; `commands` and `stopping` are locked.
final class CurlLoop: @unchecked Sendable {
    enum Command {
        case add(CurlTransfer)
        case cancel(CurlTransfer)
        case resume(CurlTransfer)
    }

    private static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    private let multi: UnsafeMutableRawPointer
    private let commands = Locked<(queue: [Command], stopping: Bool)>(([], false))
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let configuration: UpstreamClientConfiguration
    private var thread: Thread?
    private static let scanInterval: UInt64 = 5_000_000
    private var nextScanAt: UInt64 = 0
    private var nextDeadline: UInt64 = 0
    /// Easy handles of finished transfers, reset and kept for the next ones: `curl_easy_init` callocs a large
    /// struct (and libcurl its buffers) per transfer, and those allocations above glibc's small-bin sizes cost a
    /// `malloc_consolidate` each. Loop thread only.
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private static let maxIdleHandles = 64

    init(configuration: UpstreamClientConfiguration, name: String) {
        _ = Self.globalInit
        self.configuration = configuration
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, ccurl_pipe_multiplex())
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
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
        if first { curl_multi_wakeup(multi) }
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
            if wake { curl_multi_wakeup(multi) }
        } else if case .add(let transfer) = command {
            transfer.finish(error: .clientShutdown)
        }
    }

    // MARK: loop thread

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
            for command in queue { apply(command) }
            curl_multi_perform(multi, &running)
            drainCompletions()
            let wait = enforceDeadlines()
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, wait, &fds)
        }
        for (_, transfer) in active { abort(transfer, error: .clientShutdown) }
        for command in commands.withLock({ $0.queue }) {
            if case .add(let t) = command { t.finish(error: .clientShutdown) }
        }
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
        curl_multi_cleanup(multi)
    }

    private func apply(_ command: Command) {
        switch command {
        case .add(let transfer):
            if transfer.shared.withLock({ $0.cancelled }) {
                transfer.finish(error: nil)
                return
            }
            do {
                let easy = try makeEasy(for: transfer)
                transfer.startedAt = monotonicNanos()
                active[easy] = transfer
                nextScanAt = 0
                curl_multi_add_handle(multi, easy)
            } catch {
                release(transfer)
                transfer.finish(error: error as? UpstreamError ?? .invalidRequest(reason: "\(error)"))
            }
        case .cancel(let transfer):
            if let easy = transfer.easy, active[easy] != nil {
                abort(transfer, error: nil)
            }
        case .resume(let transfer):
            guard let easy = transfer.easy, active[easy] != nil else { return }
            transfer.shared.withLock { s in
                s.paused = false
                s.resumeRequested = false
            }
            transfer.loopPaused = false
            transfer.lastDataAt = monotonicNanos()
            rescanDeadlines()  // its idle deadline applies again
            ccurl_easy_unpause(easy)
        }
    }

    private func drainCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active[easy] else { continue }
            let code = message.pointee.data.result
            let error: UpstreamError? = code == CURLE_OK ? nil : transfer.pendingError ?? mapError(code, transfer)
            remove(transfer)
            transfer.finish(error: error)
            release(transfer)
        }
    }

    /// A transfer's earliest deadline may have moved earlier (its first byte arrived, so its idle deadline now
    /// applies): scan on the next iteration. Loop thread only.
    func rescanDeadlines() { nextScanAt = 0 }

    /// Applies our own deadlines; returns how long `curl_multi_poll` may wait (ms): until the earliest deadline,
    /// at most a second. The scan over the active transfers runs at most every `scanInterval` (busy loops with
    /// thousands of streams would otherwise scan on every wake-up); between scans deadlines only move later,
    /// except when a transfer is added or sees its first byte, which force a scan.
    private func enforceDeadlines() -> Int32 {
        guard !active.isEmpty else { return 1000 }
        let now = monotonicNanos()
        if now < nextScanAt && now < nextDeadline {
            return Int32(min(1000, (nextDeadline - now + 999_999) / 1_000_000))
        }
        nextScanAt = now + Self.scanInterval
        var next = now + 1_000_000_000
        var expired: [(CurlTransfer, UpstreamError)] = []
        for (_, t) in active {
            let timeouts = t.request.timeouts
            let total = t.startedAt &+ timeouts.total.nanosecondsClamped
            if now >= total { expired.append((t, .totalTimeout(host: t.host))); continue }
            next = min(next, total)
            if !t.sawFirstByte {
                let firstByte = t.startedAt &+ timeouts.firstByte.nanosecondsClamped
                if now >= firstByte { expired.append((t, .firstByteTimeout(host: t.host))); continue }
                next = min(next, firstByte)
            } else if !t.loopPaused {
                let idle = t.lastDataAt &+ timeouts.idle.nanosecondsClamped
                if now >= idle { expired.append((t, .idleTimeout(host: t.host))); continue }
                next = min(next, idle)
            }
        }
        for (t, error) in expired { abort(t, error: error) }
        nextDeadline = next
        let waitNanos = next > now ? next - now : 0
        return Int32(min(1000, (waitNanos + 999_999) / 1_000_000))
    }

    private func abort(_ transfer: CurlTransfer, error: UpstreamError?) {
        remove(transfer)
        transfer.finish(error: error)
        release(transfer)
    }

    private func remove(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        curl_multi_remove_handle(multi, easy)
        active[easy] = nil
    }

    /// Frees a transfer's curl resources; its easy handle (already out of the multi handle) is reset and kept for
    /// reuse. Connections live in the multi handle's cache, not in the easy handle, so reuse carries no state over.
    private func release(_ transfer: CurlTransfer) {
        if let easy = transfer.easy {
            if idleHandles.count < Self.maxIdleHandles {
                curl_easy_reset(easy)
                idleHandles.append(easy)
            } else {
                curl_easy_cleanup(easy)
            }
            transfer.easy = nil
        }
        if let list = transfer.headerList {
            curl_slist_free_all(list)
            transfer.headerList = nil
        }
    }

    private func makeEasy(for t: CurlTransfer) throws -> UnsafeMutableRawPointer {
        let request = t.request
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw UpstreamError.invalidRequest(reason: "URL must be http or https")
        }
        guard let easy = idleHandles.popLast() ?? curl_easy_init() else {
            throw UpstreamError.invalidRequest(reason: "curl_easy_init failed")
        }
        t.easy = easy
        let opaque = Unmanaged.passUnretained(t).toOpaque()
        ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, ccurl_http_version_2tls())
        ccurl_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        ccurl_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        ccurl_easy_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "")
        ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS,
                               Int(request.timeouts.connect.nanosecondsClamped / 1_000_000))
        if let caFile = configuration.caFile { ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile) }

        let method = request.method.uppercased()
        switch method {
        case "GET": ccurl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default:
            ccurl_easy_setopt_long(easy, CURLOPT_POST, 1)
            ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
            request.body.withUnsafeBufferPointer { buffer in
                _ = ccurl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS,
                                              UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
            if method != "POST" { ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) }
        }

        var list: UnsafeMutablePointer<curl_slist>? = nil
        for header in request.headers {
            guard !header.name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 || $0 == 0 }),
                  !header.value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                if let list { curl_slist_free_all(list) }
                throw UpstreamError.invalidRequest(reason: "header \(header.name) has invalid characters")
            }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        list = curl_slist_append(list, "Expect:")
        t.headerList = list
        ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        ccurl_easy_setopt_write_function(easy, curlWriteCallback)
        ccurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, opaque)
        ccurl_easy_setopt_header_function(easy, curlHeaderCallback)
        ccurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, opaque)
        return easy
    }

    private func mapError(_ code: CURLcode, _ t: CurlTransfer) -> UpstreamError {
        let reason = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return t.sawFirstByte ? .idleTimeout(host: t.host) : .connectTimeout(host: t.host)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dnsFailure(host: t.host)
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed(host: t.host, reason: reason)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls(host: t.host, reason: reason)
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2,
             CURLE_HTTP2_STREAM:
            return .connectionLost(host: t.host, reason: reason)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest(reason: reason)
        default:
            return .transport(host: t.host, code: Int(code.rawValue), reason: reason)
        }
    }
}

private let curlWriteCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self),
                                     count: size * count)
    return transfer.onBody(buffer)
}

private let curlHeaderCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self),
                                     count: size * count)
    transfer.onHeaderLine(buffer)
    return size * count
}
