/// One access-log record: what was asked, what was answered, how long it took. Carries no headers.
public struct AccessLogEntry: Sendable {
    public var remoteAddress: String
    public var method: HTTPMethod
    /// The path without the query string (queries may carry secrets).
    public var path: String
    public var status: HTTPStatus
    public var bodyBytes: Int
    public var durationNanoseconds: UInt64
    public var requestID: String
    /// False when the client went away or the stream was aborted.
    public var completed: Bool

    /// `127.0.0.1:5000 "GET /v1/models" 200 1024 0.123ms rid=... [aborted]`
    public var line: String {
        let micros = durationNanoseconds / 1000
        let millis = "\(micros / 1000).\(String(micros % 1000 + 1000).dropFirst())"
        return "\(remoteAddress) \"\(method) \(path)\" \(status.code) \(bodyBytes) \(millis)ms rid=\(requestID)"
            + (completed ? "" : " aborted")
    }

    /// A sink that writes `line` to standard error.
    public static let standardError: @Sendable (AccessLogEntry) -> Void = { entry in
        var bytes = Array(entry.line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { _ = writeAll(fd: 2, $0) }
    }
}
