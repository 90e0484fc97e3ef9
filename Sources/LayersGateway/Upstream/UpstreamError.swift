/// Transport-level failures of an upstream call, each a distinct case. Messages name the host, never a key.
public enum UpstreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// TCP connect or TLS handshake did not finish within `UpstreamTimeouts.connect`.
    case connectTimeout(host: String)
    /// No response header arrived within `UpstreamTimeouts.firstByte`.
    case firstByteTimeout(host: String)
    /// The exchange took longer than `UpstreamTimeouts.total`.
    case totalTimeout(host: String)
    /// The upstream went silent between body chunks for longer than `UpstreamTimeouts.idle`.
    case idleTimeout(host: String)
    case dnsFailure(host: String)
    case connectionFailed(host: String, reason: String)
    /// Certificate verification or handshake failure.
    case tls(host: String, reason: String)
    /// The connection broke after the response started.
    case connectionLost(host: String, reason: String)
    /// A non-streamed body was larger than the client's limit.
    case responseTooLarge(host: String, limit: Int)
    case invalidRequest(reason: String)
    /// Any other libcurl error.
    case transport(host: String, code: Int, reason: String)
    /// The client was shut down.
    case clientShutdown

    public var host: String? {
        switch self {
        case .connectTimeout(let h), .firstByteTimeout(let h), .totalTimeout(let h), .idleTimeout(let h),
             .dnsFailure(let h):
            return h
        case .connectionFailed(let h, _), .tls(let h, _), .connectionLost(let h, _), .transport(let h, _, _):
            return h
        case .responseTooLarge(let h, _): return h
        case .invalidRequest, .clientShutdown: return nil
        }
    }

    /// True for the four timeout cases (the server answers 504 for them).
    public var isTimeout: Bool {
        switch self {
        case .connectTimeout, .firstByteTimeout, .totalTimeout, .idleTimeout: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .connectTimeout(let h): return "timed out connecting to \(h)"
        case .firstByteTimeout(let h): return "timed out waiting for the first byte from \(h)"
        case .totalTimeout(let h): return "request to \(h) exceeded its total time limit"
        case .idleTimeout(let h): return "stream from \(h) went idle for too long"
        case .dnsFailure(let h): return "could not resolve \(h)"
        case .connectionFailed(let h, let r): return "could not connect to \(h): \(r)"
        case .tls(let h, let r): return "TLS failure with \(h): \(r)"
        case .connectionLost(let h, let r): return "connection to \(h) lost: \(r)"
        case .responseTooLarge(let h, let limit): return "response from \(h) exceeded \(limit) bytes"
        case .invalidRequest(let r): return "invalid upstream request: \(r)"
        case .transport(let h, let code, let r): return "transport error \(code) with \(h): \(r)"
        case .clientShutdown: return "upstream client is shut down"
        }
    }
}
