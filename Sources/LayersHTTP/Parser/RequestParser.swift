/// Incremental HTTP/1.1 request parser: feed it the unread bytes, get back how many it consumed and what it
/// found. One request at a time; after `.message` it is ready for the next (pipelined) request.
///
/// The head is scanned for its end (CRLF CRLF) while enforcing the size limits and the CRLF-only policy
/// (a bare LF or bare CR anywhere in the head is a 400), then parsed in one pass.
struct RequestParser: Sendable {
    enum Event: Sendable {
        /// More bytes are needed (some may have been consumed into the body).
        case needMore
        /// The head is complete and a body follows; sent once so the caller can answer `100-continue`.
        case head(RequestHead)
        /// A complete request.
        case message(RequestHead, body: [UInt8])
    }

    private enum State: Sendable {
        case head
        case lengthBody(RequestHead, remaining: Int)
        case chunkedBody(RequestHead, ChunkedBodyDecoder)
    }

    let limits: RequestParserLimits
    private var state: State = .head
    private var scanned = 0
    private var body: [UInt8] = []

    init(limits: RequestParserLimits) {
        self.limits = limits
    }

    /// True while no byte of the next request has been consumed.
    var isIdle: Bool {
        if case .head = state { return scanned == 0 }
        return false
    }

    /// True while reading a body (the body-read timeout applies rather than the header one).
    var isReadingBody: Bool {
        if case .head = state { return false }
        return true
    }

    /// Parses from the start of `input` (which must begin at the first unconsumed byte).
    mutating func parse(_ input: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (consumed: Int, event: Event) {
        switch state {
        case .head:
            guard let (headStart, headEnd) = try scanHead(input) else { return (0, .needMore) }
            scanned = 0
            let head = try RequestHeadParser.parse(
                UnsafeBufferPointer(rebasing: input[headStart..<(headEnd - 2)]), limits: limits)
            let consumed = headEnd
            switch head.framing {
            case .none:
                return (consumed, .message(head, body: []))
            case .length(let length):
                body = []
                let available = input.count - consumed
                if available >= length {
                    let bytes = Array(UnsafeBufferPointer(rebasing: input[consumed..<(consumed + length)]))
                    return (consumed + length, .message(head, body: bytes))
                }
                body.reserveCapacity(length)
                state = .lengthBody(head, remaining: length)
                return (consumed, .head(head))
            case .chunked:
                body = []
                state = .chunkedBody(head, ChunkedBodyDecoder(maxBodyBytes: limits.maxBodyBytes, maxTrailerBytes: limits.maxHeaderBytes))
                return (consumed, .head(head))
            }
        case .lengthBody(let head, let remaining):
            let take = min(remaining, input.count)
            body.append(contentsOf: UnsafeBufferPointer(rebasing: input[0..<take]))
            if take == remaining {
                state = .head
                let complete = body
                body = []
                return (take, .message(head, body: complete))
            }
            state = .lengthBody(head, remaining: remaining - take)
            return (take, .needMore)
        case .chunkedBody(let head, var decoder):
            state = .head  // drop the decoder's copy while it mutates
            let consumed: Int
            do {
                consumed = try decoder.decode(input, into: &body)
            } catch {
                state = .chunkedBody(head, decoder)  // keeps the head for describing the refusal
                throw error
            }
            if decoder.isDone {
                let complete = body
                body = []
                return (consumed, .message(head, body: complete))
            }
            state = .chunkedBody(head, decoder)
            return (consumed, .needMore)
        }
    }

    /// The method and target of the request being read, when its request line is known: the parsed head's while
    /// a body is read, else parsed from `unread` (the request's bytes so far, from its first byte) when they hold a
    /// whole, well-formed request line. Only for describing a refusal: never called on the normal path.
    func pendingRequestLine(_ unread: UnsafeBufferPointer<UInt8>) -> (method: HTTPMethod, target: String)? {
        switch state {
        case .lengthBody(let head, _), .chunkedBody(let head, _):
            return (head.method, head.target)
        case .head:
            break
        }
        var start = 0
        while start + 1 < unread.count && unread[start] == 0x0D && unread[start + 1] == 0x0A && start < 8 { start += 2 }
        let limit = min(unread.count, start + limits.maxRequestLineBytes + 2)
        var end = start
        while end + 1 < limit && !(unread[end] == 0x0D && unread[end + 1] == 0x0A) { end += 1 }
        guard end + 1 < limit, end > start,
            let line = try? RequestHeadParser.parseRequestLine(UnsafeBufferPointer(rebasing: unread[start..<end]))
        else { return nil }
        return (line.0, line.1)
    }

    /// Finds the end of the head; returns (start after leading empty lines, index just past CRLF CRLF).
    private mutating func scanHead(_ input: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> (Int, Int)? {
        var headStart = 0
        while headStart + 1 < input.count && input[headStart] == 0x0D && input[headStart + 1] == 0x0A && headStart < 8 {
            headStart += 2
        }
        var i = max(scanned, headStart)
        var requestLineEnd: Int? = nil
        if scanned > headStart {
            // Re-find the end of the request line cheaply only when needed (rare: head split across reads).
            var j = headStart
            while j + 1 < scanned && !(input[j] == 0x0D && input[j + 1] == 0x0A) { j += 1 }
            if j + 1 < scanned { requestLineEnd = j }
        }
        let count = input.count
        while i < count {
            // Limits first, so the verdict at a byte never depends on how the input was split.
            if requestLineEnd == nil && i - headStart >= limits.maxRequestLineBytes { throw .requestLineTooLong }
            if i - headStart >= limits.maxHeaderBytes { throw .headersTooLarge }
            let byte = input[i]
            if byte == 0x0A {
                guard i > 0, input[i - 1] == 0x0D else { throw .bareLineFeed }
                if requestLineEnd == nil {
                    requestLineEnd = i - 1
                    if i - 1 == headStart { throw .invalidRequestLine }
                } else if i >= 3 && input[i - 2] == 0x0A && input[i - 3] == 0x0D {
                    return (headStart, i + 1)
                }
            } else if byte == 0x0D {
                guard i + 1 < count else { break }  // decide once the next byte arrives
                if input[i + 1] != 0x0A { throw .bareCarriageReturn }
            }
            i += 1
        }
        scanned = i
        return nil
    }
}
