/// A complete HTTP request as handed to a responder: the head and the whole body.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The request target exactly as sent (origin form: path plus optional `?query`).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Peer address as `ip:port` (IPv6 in brackets).
    public var remoteAddress: String
    /// The request id: a sane incoming `x-request-id`, or one the server generated. Always echoed back.
    public var requestID: String
    /// An id the server generated for this request, unique in the process, when `requestID` came from the client
    /// (clients may send the same `x-request-id` twice); nil when `requestID` was generated.
    public var serverRequestID: String?
    /// Parameters captured by the router (`/v1/models/:id` -> `["id": "..."]`).
    public var pathParameters: [String: String]

    public init(
        method: HTTPMethod, target: String, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [], remoteAddress: String = "", requestID: String = "", serverRequestID: String? = nil,
        pathParameters: [String: String] = [:]
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
        self.serverRequestID = serverRequestID
        self.pathParameters = pathParameters
    }

    /// The path part of the target, without the query string (still percent-encoded).
    public var path: String {
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return String(target[..<q]) }
        return target
    }

    /// The raw query string after `?`, or `nil` when there is none.
    public var rawQuery: String? {
        guard let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(target[target.index(after: q)...])
    }

    /// The query as percent-decoded name/value pairs, in order (`+` is a space).
    public var query: [(String, String)] {
        guard let raw = rawQuery, !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (percentDecode(pair[..<eq]), percentDecode(pair[pair.index(after: eq)...]))
            }
            return (percentDecode(pair), "")
        }
    }

    /// The first query value for `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    /// The body decoded as UTF-8 (invalid sequences repaired).
    public var bodyString: String { String(decoding: body, as: UTF8.self) }
}

/// Decodes `%XX` escapes and `+` (as space) in a query component.
func percentDecode<S: StringProtocol>(_ text: S) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
        if byte == UInt8(ascii: "+") {
            out.append(0x20)
        } else if byte == UInt8(ascii: "%") {
            guard let h = iterator.next() else { out.append(byte); break }
            guard let l = iterator.next() else { out.append(byte); out.append(h); break }
            if let hv = hexValue(h), let lv = hexValue(l) { out.append(hv << 4 | lv) } else { out += [byte, h, l] }
        } else {
            out.append(byte)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

@inline(__always) func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
}
