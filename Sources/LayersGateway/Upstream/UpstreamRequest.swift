/// One HTTP request to a provider.
///
/// Credentials travel in `headers`; the client never logs headers or bodies, and error values carry only the
/// host, never the URL's query or any header.
public struct UpstreamRequest: Sendable {
    public var method: String
    /// Absolute `http(s)://` URL. Never put secrets in it (use a header instead).
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    public var timeouts: UpstreamTimeouts

    public init(method: String = "POST", url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeouts: UpstreamTimeouts = .default) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }

    /// The host part of `url`, for error messages (no scheme, path, query or credentials).
    public var host: String {
        var rest = Substring(url)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }
}

/// One header line. Names compare case-insensitively.
///
/// Printing it never shows the value of a credential header (`authorization`, `x-api-key`, ...).
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Header names whose values are secrets.
    static let credentialNames: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "api-key",
                                                "x-goog-api-key", "cookie", "set-cookie"]

    /// True when the value is a secret (by name, or because it looks like a key).
    public var isCredential: Bool {
        Self.credentialNames.contains(name.lowercased()) || name.lowercased().contains("key")
            || name.lowercased().contains("token") || name.lowercased().contains("secret")
    }

    public var description: String { "\(name): \(isCredential ? "[redacted]" : value)" }
}

extension UpstreamRequest: CustomStringConvertible {
    /// Method, host and path, header names, body size: never header values that carry credentials, the query
    /// string, or the body.
    public var description: String {
        var path = Substring(url)
        if let range = path.range(of: "://") { path = path[range.upperBound...] }
        path = path.drop { $0 != "/" }
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        return "\(method) \(host)\(path) headers: [\(headers.map(\.description).joined(separator: ", "))], "
            + "body: \(body.count) bytes"
    }
}

/// The four distinct deadlines of an upstream call. Each one, when missed, fails with its own `UpstreamError`.
public struct UpstreamTimeouts: Sendable, Hashable {
    /// TCP connect plus TLS handshake.
    public var connect: Duration
    /// From the start of the request until the first byte of the response headers.
    public var firstByte: Duration
    /// The whole exchange, body included.
    public var total: Duration
    /// Longest silence between two body chunks once the response has started (stream events); time spent
    /// paused because OUR consumer is slow does not count.
    public var idle: Duration

    public init(connect: Duration = .seconds(10), firstByte: Duration = .seconds(120),
                total: Duration = .seconds(600), idle: Duration = .seconds(120)) {
        self.connect = connect
        self.firstByte = firstByte
        self.total = total
        self.idle = idle
    }

    public static let `default` = UpstreamTimeouts()
}

extension Duration {
    var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        if seconds > 1_000_000_000 { return UInt64.max / 2 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
