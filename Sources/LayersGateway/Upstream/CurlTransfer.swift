import CCurl
import Foundation

/// One request in flight on a `CurlDriver` (a `CurlLoop` or a `CurlReactorLoop`).
///
/// `@unchecked Sendable` because its state is split in two, each half with one owner:
/// - the `loop*` and curl fields are touched only on the driver's thread (callbacks run there too);
/// - `shared` (the consumer-facing queue, waiters, flags) is guarded by its lock.
final class CurlTransfer: @unchecked Sendable {
    enum Mode { case buffered, streaming }

    struct Head: Sendable {
        var status: Int
        var headers: UpstreamHeaders
        var httpVersion: Int
    }

    struct Shared {
        var chunks: [[UInt8]] = []
        var chunkHead = 0
        var bufferedBytes = 0
        var paused = false
        var resumeRequested = false
        var finished = false
        var failure: Error?
        var head: Head?
        // Unsafe (not checked) continuations: each waiter is taken out of `shared` under its lock before it is
        // resumed, so it is resumed exactly once; checked ones cost an allocation and atomics per wait (per
        // streamed read).
        var headWaiter: UnsafeContinuation<Head, Error>?
        var chunkWaiter: UnsafeContinuation<[UInt8]?, Error>?
        var responseWaiter: UnsafeContinuation<UpstreamResponse, Error>?
        var cancelled = false
        /// Times the transfer paused for backpressure (observability and tests).
        var pauseCount = 0
    }

    let request: UpstreamRequest
    let mode: Mode
    let host: String
    let maxBufferedBodyBytes: Int
    let highWater: Int
    let lowWater: Int
    let loop: (any CurlDriver)?
    let shared = Locked(Shared())

    // Loop-thread-only state.
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var startedAt: UInt64 = 0
    var sawFirstByte = false
    var headersComplete = false
    var lastDataAt: UInt64 = 0
    var loopPaused = false
    var status = 0
    var headers = UpstreamHeaders()
    var body: [UInt8] = []
    var pendingError: UpstreamError?

    init(request: UpstreamRequest, mode: Mode, loop: any CurlDriver, maxBufferedBodyBytes: Int, highWater: Int,
         lowWater: Int) {
        self.request = request
        self.loop = loop
        self.mode = mode
        self.host = request.host
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
        self.highWater = highWater
        self.lowWater = lowWater
    }

    // MARK: loop thread: curl callbacks

    func onHeaderLine(_ data: UnsafeBufferPointer<UInt8>) {
        lastDataAt = monotonicNanos()
        if !sawFirstByte {
            sawFirstByte = true
            loop?.firstByteArrived(self)
        }
        // Byte-level parsing: Foundation's trimmingCharacters cost ~6% of the gateway's CPU per request here.
        let bytes = Self.trimmed(data[...])
        if bytes.starts(with: Self.httpPrefix) {
            status = Self.statusCode(bytes)
            headers = UpstreamHeaders()
            return
        }
        if bytes.isEmpty {
            if status >= 200 { completeHead() }
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = Self.trimmed(bytes[..<colon])
        let lowered = String(unsafeUninitializedCapacity: name.count) { out in
            for (i, byte) in name.enumerated() {
                out[i] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return name.count
        }
        headers.append(lowercasedName: lowered,
                       value: String(decoding: Self.trimmed(bytes[(colon + 1)...]), as: UTF8.self))
    }

    /// The status code of a status line (`HTTP/1.1 200 OK`, `HTTP/2 404`), or 0.
    static func statusCode(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        guard var i = line.firstIndex(of: UInt8(ascii: " ")) else { return 0 }
        while i < line.endIndex, line[i] == UInt8(ascii: " ") { i += 1 }
        var code = 0, digits = 0
        while i < line.endIndex, line[i] >= UInt8(ascii: "0"), line[i] <= UInt8(ascii: "9"), digits < 3 {
            code = code * 10 + Int(line[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        guard digits == 3, i == line.endIndex || line[i] == UInt8(ascii: " ") else { return 0 }
        return code
    }

    private static let httpPrefix = Array("HTTP/".utf8)

    /// `bytes` without leading and trailing ASCII whitespace and control characters (space, tab, CR, LF, ...).
    static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] <= 0x20 || bytes[start] == 0x7F { start += 1 }
        while end > start, bytes[end - 1] <= 0x20 || bytes[end - 1] == 0x7F { end -= 1 }
        return bytes[start..<end]
    }

    private func completeHead() {
        guard !headersComplete else { return }
        headersComplete = true
        var version: Int = 0
        if let easy { ccurl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version) }
        let head = Head(status: status, headers: headers, httpVersion: Self.httpMajor(version))
        let waiter = shared.withLock { s -> UnsafeContinuation<Head, Error>? in
            s.head = head
            defer { s.headWaiter = nil }
            return s.headWaiter
        }
        waiter?.resume(returning: head)
    }

    static func httpMajor(_ curlVersion: Int) -> Int {
        switch curlVersion {
        case Int(CURL_HTTP_VERSION_2_0): return 2
        case Int(CURL_HTTP_VERSION_3): return 3
        default: return 1
        }
    }

    /// Returns the number of bytes consumed, 0 to abort, or the pause sentinel.
    func onBody(_ data: UnsafeBufferPointer<UInt8>) -> Int {
        lastDataAt = monotonicNanos()
        if !headersComplete { completeHead() }
        switch mode {
        case .buffered:
            if body.count + data.count > maxBufferedBodyBytes {
                pendingError = .responseTooLarge(host: host, limit: maxBufferedBodyBytes)
                return 0
            }
            body.append(contentsOf: data)
            return data.count
        case .streaming:
            enum Action { case abort, pause, deliver(UnsafeContinuation<[UInt8]?, Error>), queued }
            let action = shared.withLock { s -> Action in
                if s.cancelled { return .abort }
                if s.bufferedBytes >= highWater {
                    if !s.paused { s.pauseCount += 1 }
                    s.paused = true
                    return .pause
                }
                if let waiter = s.chunkWaiter {
                    s.chunkWaiter = nil
                    return .deliver(waiter)
                }
                // The consumer is busy: extend the last unread chunk (up to a limit) instead of queueing one more
                // array per callback, so it later takes many events in one read.
                if s.chunkHead < s.chunks.count, s.chunks[s.chunks.count - 1].count < Self.mergeLimit {
                    s.chunks[s.chunks.count - 1].append(contentsOf: data)
                } else {
                    s.chunks.append(Array(data))
                }
                s.bufferedBytes += data.count
                return .queued
            }
            switch action {
            case .abort: return 0
            case .pause:
                loopPaused = true
                return Int(bitPattern: UInt(ccurl_writefunc_pause()))
            case .deliver(let waiter):
                waiter.resume(returning: Array(data))
                return data.count
            case .queued:
                return data.count
            }
        }
    }

    /// Largest unread chunk that later callbacks' bytes are appended to.
    static let mergeLimit = 64 << 10

    // MARK: loop thread: completion

    func finish(error: UpstreamError?) {
        let head = Head(status: status, headers: headers, httpVersion: 1)
        var version: Int = 0
        if let easy { ccurl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version) }
        let response = UpstreamResponse(status: status, headers: headers, body: body,
                                        httpVersion: Self.httpMajor(version))
        let error: Error? = error
        let (headWaiter, chunkWaiter, responseWaiter) = shared.withLock { s in
            s.finished = true
            if s.failure == nil { s.failure = error }
            defer { s.headWaiter = nil; s.chunkWaiter = nil; s.responseWaiter = nil }
            return (s.headWaiter, s.chunkWaiter, s.responseWaiter)
        }
        if let headWaiter {
            if let error { headWaiter.resume(throwing: error) }
            else if status >= 100 { headWaiter.resume(returning: head) }
            else { headWaiter.resume(throwing: UpstreamError.connectionLost(host: host, reason: "no response")) }
        }
        if let chunkWaiter {
            if let error { chunkWaiter.resume(throwing: error) } else { chunkWaiter.resume(returning: nil) }
        }
        if let responseWaiter {
            if let error { responseWaiter.resume(throwing: error) } else { responseWaiter.resume(returning: response) }
        }
    }

    // MARK: any thread: consumer side

    /// Next body chunk for a streaming consumer; nil at the end.
    nonisolated(nonsending) func nextChunk() async throws -> [UInt8]? {
        enum Step { case chunk([UInt8], resume: Bool), end, fail(Error), wait }
        let step = shared.withLock { s -> Step in
            if s.chunkHead < s.chunks.count {
                let chunk = s.chunks[s.chunkHead]
                s.chunkHead += 1
                if s.chunkHead > 64 && s.chunkHead * 2 > s.chunks.count {
                    s.chunks.removeFirst(s.chunkHead)
                    s.chunkHead = 0
                }
                s.bufferedBytes -= chunk.count
                var resume = false
                if s.paused && !s.resumeRequested && s.bufferedBytes <= lowWater {
                    s.resumeRequested = true
                    resume = true
                }
                return .chunk(chunk, resume: resume)
            }
            if s.cancelled { return .fail(CancellationError()) }
            if s.finished { return s.failure.map { .fail($0) } ?? .end }
            return .wait
        }
        switch step {
        case .chunk(let chunk, let resume):
            if resume { loop?.requestResume(self) }
            return chunk
        case .end: return nil
        case .fail(let error): throw error
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<[UInt8]?, Error>) in
                enum Now { case wait, chunk([UInt8], Bool), end, fail(Error) }
                let now = shared.withLock { s -> Now in
                    if s.chunkHead < s.chunks.count {
                        let chunk = s.chunks[s.chunkHead]
                        s.chunkHead += 1
                        s.bufferedBytes -= chunk.count
                        var resume = false
                        if s.paused && !s.resumeRequested && s.bufferedBytes <= lowWater {
                            s.resumeRequested = true
                            resume = true
                        }
                        return .chunk(chunk, resume)
                    }
                    if s.cancelled { return .fail(CancellationError()) }
                    if s.finished { return s.failure.map { .fail($0) } ?? .end }
                    s.chunkWaiter = c
                    return .wait
                }
                switch now {
                case .wait: break
                case .chunk(let chunk, let resume):
                    if resume { loop?.requestResume(self) }
                    c.resume(returning: chunk)
                case .end: c.resume(returning: nil)
                case .fail(let e): c.resume(throwing: e)
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    nonisolated(nonsending) func awaitHead() async throws -> Head {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<Head, Error>) in
                enum Now { case wait, head(Head), fail(Error) }
                let now = shared.withLock { s -> Now in
                    if let head = s.head { return .head(head) }
                    if s.cancelled { return .fail(CancellationError()) }
                    if s.finished {
                        return .fail(s.failure ?? UpstreamError.connectionLost(host: host, reason: "no response"))
                    }
                    s.headWaiter = c
                    return .wait
                }
                switch now {
                case .wait: break
                case .head(let h): c.resume(returning: h)
                case .fail(let e): c.resume(throwing: e)
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    nonisolated(nonsending) func awaitResponse(start: () -> Void) async throws -> UpstreamResponse {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (c: UnsafeContinuation<UpstreamResponse, Error>) in
                let cancelled = shared.withLock { s -> Bool in
                    if s.cancelled { return true }
                    s.responseWaiter = c
                    return false
                }
                if cancelled { c.resume(throwing: CancellationError()) } else { start() }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// Aborts the transfer at once: waiters fail with `CancellationError`, the loop removes the handle.
    func cancel() {
        let waiters = shared.withLock { s -> (UnsafeContinuation<Head, Error>?, UnsafeContinuation<[UInt8]?, Error>?,
                                              UnsafeContinuation<UpstreamResponse, Error>?)? in
            if s.finished || s.cancelled { return nil }
            s.cancelled = true
            defer { s.headWaiter = nil; s.chunkWaiter = nil; s.responseWaiter = nil }
            return (s.headWaiter, s.chunkWaiter, s.responseWaiter)
        }
        guard let waiters else { return }
        waiters.0?.resume(throwing: CancellationError())
        waiters.1?.resume(throwing: CancellationError())
        waiters.2?.resume(throwing: CancellationError())
        loop?.requestCancel(self)
    }
}
