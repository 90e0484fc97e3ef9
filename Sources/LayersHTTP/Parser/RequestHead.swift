/// The parsed head of a request, with its framing decided.
struct RequestHead: Sendable {
    enum BodyFraming: Sendable, Hashable {
        case none
        case length(Int)
        case chunked
    }

    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: BodyFraming
    /// Whether the client allows the connection to stay open after this exchange.
    var keepAlive: Bool
    var expectContinue: Bool
}

/// Parser limits, copied from the server configuration.
struct RequestParserLimits: Sendable {
    var maxRequestLineBytes: Int = 8 * 1024
    var maxHeaderBytes: Int = 32 * 1024
    var maxHeaderCount: Int = 100
    var maxBodyBytes: Int = 32 * 1024 * 1024
}

/// RFC 9110 `tchar` membership (a function rather than a global table: no lazy-init check per byte).
@inline(__always) func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
        UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
        UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}
