import CCurl
import Foundation

/// One libcurl multi handle and the transfers on it, used by one thread only: a `CurlLoop` (its own thread,
/// `curl_multi_poll`) or a `CurlReactorLoop` (an event loop's thread, `curl_multi_socket_action`) drives it.
///
/// It sets up each transfer's easy handle, applies our deadlines (first byte, idle, total), and finishes
/// transfers when curl reports them done. Easy handles of finished transfers are reset and kept for the next
/// ones: `curl_easy_init` callocs a large struct (and libcurl its buffers) per transfer, and those allocations
/// above glibc's small-bin sizes cost a `malloc_consolidate` each.
final class CurlMulti {
    let handle: UnsafeMutableRawPointer
    private let configuration: UpstreamClientConfiguration
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private static let maxIdleHandles = 64
    /// The earliest of our deadlines not yet checked (monotonic ns); `.max` when nothing is in flight.
    private var nextDeadline: UInt64 = .max
    /// Deadlines are checked at least this often while transfers are in flight.
    private static let maxCheckInterval: UInt64 = 1_000_000_000

    private static let globalInit: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    init(configuration: UpstreamClientConfiguration) {
        _ = Self.globalInit
        self.configuration = configuration
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        handle = multi
        ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, ccurl_pipe_multiplex())
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maxCachedConnections)
    }

    var isIdle: Bool { active.isEmpty }

    // MARK: commands

    /// Starts `transfer` (or finishes it at once when it was cancelled or cannot be set up).
    func add(_ transfer: CurlTransfer) {
        if transfer.shared.withLock({ $0.cancelled }) {
            transfer.finish(error: nil)
            return
        }
        do {
            let easy = try makeEasy(for: transfer)
            transfer.startedAt = monotonicNanos()
            active[easy] = transfer
            let timeouts = transfer.request.timeouts
            noteDeadline(transfer.startedAt &+ min(timeouts.total.nanosecondsClamped,
                                                   timeouts.firstByte.nanosecondsClamped))
            curl_multi_add_handle(handle, easy)
        } catch {
            release(transfer)
            transfer.finish(error: error as? UpstreamError ?? .invalidRequest(reason: "\(error)"))
        }
    }

    /// Aborts `transfer` if it is still in flight (its waiters were already failed by `CurlTransfer.cancel`).
    func cancel(_ transfer: CurlTransfer) {
        if let easy = transfer.easy, active[easy] != nil {
            abort(transfer, error: nil)
        }
    }

    /// Unpauses a streaming transfer whose consumer caught up.
    func resume(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy, active[easy] != nil else { return }
        transfer.shared.withLock { s in
            s.paused = false
            s.resumeRequested = false
        }
        transfer.loopPaused = false
        transfer.lastDataAt = monotonicNanos()
        noteDeadline(transfer.lastDataAt &+ transfer.request.timeouts.idle.nanosecondsClamped)
        ccurl_easy_unpause(easy)
    }

    /// Finishes the transfers curl reports done.
    func drainCompletions() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(handle, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let transfer = active[easy] else { continue }
            let code = message.pointee.data.result
            let error: UpstreamError? = code == CURLE_OK ? nil : transfer.pendingError ?? mapError(code, transfer)
            remove(transfer)
            transfer.finish(error: error)
            release(transfer)
        }
    }

    /// Fails every transfer in flight with `error`.
    func abortAll(error: UpstreamError) {
        for (_, transfer) in active { abort(transfer, error: error) }
    }

    /// Frees the multi handle and the kept easy handles; the transfers must be finished (`abortAll`).
    func close() {
        for easy in idleHandles { curl_easy_cleanup(easy) }
        idleHandles.removeAll()
        curl_multi_cleanup(handle)
    }

    // MARK: deadlines

    /// A transfer's deadline that may be earlier than any known (it started, saw its first byte, or resumed).
    func noteDeadline(_ deadline: UInt64) {
        if deadline < nextDeadline { nextDeadline = deadline }
    }

    /// The idle deadline of `transfer`, which just saw its first byte, now applies.
    func firstByteArrived(_ transfer: CurlTransfer) {
        noteDeadline(transfer.lastDataAt &+ transfer.request.timeouts.idle.nanosecondsClamped)
    }

    /// Fails the transfers whose deadline passed; returns when to check next (monotonic ns, at most a second
    /// away while transfers are in flight; `.max` when none are). Scans the transfers only when the earliest
    /// known deadline is due: between scans deadlines only move later, except through `noteDeadline`.
    func enforceDeadlines(now: UInt64) -> UInt64 {
        guard !active.isEmpty else {
            nextDeadline = .max
            return .max
        }
        guard now >= nextDeadline else { return nextDeadline }
        var next = now + Self.maxCheckInterval
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
        nextDeadline = active.isEmpty ? .max : next
        return nextDeadline
    }

    // MARK: transfers

    private func abort(_ transfer: CurlTransfer, error: UpstreamError?) {
        remove(transfer)
        transfer.finish(error: error)
        release(transfer)
    }

    private func remove(_ transfer: CurlTransfer) {
        guard let easy = transfer.easy else { return }
        curl_multi_remove_handle(handle, easy)
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
