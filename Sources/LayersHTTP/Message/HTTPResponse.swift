/// A response produced by a responder: status, headers and a body (bytes, or a stream written as produced).
///
/// The server sets `Content-Length` / `Transfer-Encoding`, `Connection`, `Date` and `x-request-id` itself;
/// values the handler puts under those names are replaced (a handler-set `Content-Length` on a `.stream` body
/// selects fixed-length streaming instead of chunked).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: HTTPResponseBody
    /// Called once when the response is finished (fully written, or abandoned because the client went away).
    public var onComplete: (@Sendable (HTTPResponseCompletion) -> Void)?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: HTTPResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a byte body and a content type.
    public static func bytes(_ bytes: [UInt8], status: HTTPStatus = .ok, contentType: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": contentType], body: .bytes(bytes))
    }

    /// Shared header sets for the common content types (copy-on-write: no allocation per response).
    private static let jsonHeaders: HTTPHeaders = ["content-type": "application/json"]
    private static let textHeaders: HTTPHeaders = ["content-type": "text/plain; charset=utf-8"]

    /// A JSON response from already-serialized bytes.
    public static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders, body: .bytes(bytes))
    }

    /// A plain-text response.
    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: textHeaders, body: .bytes(Array(text.utf8)))
    }

    /// A Server-Sent Events stream; `produce` writes events with `writer.writeEvent(...)`.
    public static func eventStream(
        status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(),
        _ produce: @escaping @Sendable (any ResponseBodyWriter) async throws -> Void
    ) -> HTTPResponse {
        var all = headers
        if all["content-type"] == nil { all["content-type"] = "text/event-stream" }
        if all["cache-control"] == nil { all["cache-control"] = "no-cache" }
        all["x-accel-buffering"] = "no"
        return HTTPResponse(status: status, headers: all, body: .stream(produce))
    }

    /// An OpenAI-style error body `{"error":{"message":...,"type":...,"code":...}}`.
    public static func error(_ status: HTTPStatus, message: String, type: String = "invalid_request_error", code: String? = nil) -> HTTPResponse {
        var out = Array(#"{"error":{"message":"#.utf8)
        appendJSONString(message, to: &out)
        out += Array(#","type":"#.utf8)
        appendJSONString(type, to: &out)
        out += Array(#","param":null,"code":"#.utf8)
        if let code { appendJSONString(code, to: &out) } else { out += Array("null".utf8) }
        out += Array("}}".utf8)
        return .json(out, status: status)
    }
}

/// The body of a response.
public enum HTTPResponseBody: Sendable {
    /// A complete body, sent with `Content-Length`.
    case bytes([UInt8])
    /// A body written as it is produced: chunked (HTTP/1.1), fixed-length when the handler set `Content-Length`,
    /// or close-delimited for HTTP/1.0 clients. `write` suspends while the client is slow (backpressure) and
    /// throws once the client is gone.
    case stream(@Sendable (any ResponseBodyWriter) async throws -> Void)

    public static var empty: HTTPResponseBody { .bytes([]) }
}

/// What happened to a response, reported to `HTTPResponse.onComplete` and the access log.
public struct HTTPResponseCompletion: Sendable {
    public var status: HTTPStatus
    /// Body bytes handed to the socket (excluding head and chunk framing).
    public var bodyBytes: Int
    /// Nanoseconds from the request head being parsed to the last byte being queued for the socket.
    public var durationNanoseconds: UInt64
    /// False when the client disconnected, a timeout fired, or the producer threw before the end.
    public var completed: Bool
    public var requestID: String
}

/// Appends `text` as a JSON string literal (with quotes and escapes).
func appendJSONString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): out += [0x5C, 0x22]
        case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
        case 0x0A: out += [0x5C, UInt8(ascii: "n")]
        case 0x0D: out += [0x5C, UInt8(ascii: "r")]
        case 0x09: out += [0x5C, UInt8(ascii: "t")]
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            out += Array("\\u00".utf8)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}
