/// Why a request could not be parsed; each case knows the status the server answers with (then it closes).
public enum HTTPParseError: Error, Sendable, Hashable {
    case invalidRequestLine
    case invalidMethod
    case invalidTarget
    case invalidVersion
    case unsupportedVersion
    case requestLineTooLong
    case headersTooLarge
    case tooManyHeaders
    case invalidHeaderName
    case invalidHeaderValue
    case obsoleteLineFolding
    case bareLineFeed
    case bareCarriageReturn
    case missingHost
    case duplicateHost
    case invalidContentLength
    case conflictingContentLength
    case contentLengthWithTransferEncoding
    case invalidTransferEncoding
    case unsupportedTransferEncoding
    case transferEncodingInHTTP10
    case unsupportedExpectation
    case invalidChunkSize
    case invalidChunkExtension
    case invalidChunkFraming
    case invalidTrailer
    case bodyTooLarge

    /// The status code the server sends for this error.
    public var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .payloadTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .unsupportedTransferEncoding: .notImplemented
        case .unsupportedExpectation: .expectationFailed
        default: .badRequest
        }
    }

    /// A short, client-safe explanation.
    public var message: String {
        switch self {
        case .invalidRequestLine: "Malformed request line"
        case .invalidMethod: "Malformed method"
        case .invalidTarget: "Malformed request target"
        case .invalidVersion: "Malformed HTTP version"
        case .unsupportedVersion: "HTTP version not supported"
        case .requestLineTooLong: "Request line too long"
        case .headersTooLarge: "Request header section too large"
        case .tooManyHeaders: "Too many header fields"
        case .invalidHeaderName: "Malformed header name"
        case .invalidHeaderValue: "Malformed header value"
        case .obsoleteLineFolding: "Obsolete header line folding is not accepted"
        case .bareLineFeed: "Line feed without carriage return"
        case .bareCarriageReturn: "Carriage return without line feed"
        case .missingHost: "Missing Host header"
        case .duplicateHost: "More than one Host header"
        case .invalidContentLength: "Malformed Content-Length"
        case .conflictingContentLength: "Conflicting Content-Length headers"
        case .contentLengthWithTransferEncoding: "Both Content-Length and Transfer-Encoding"
        case .invalidTransferEncoding: "Malformed Transfer-Encoding"
        case .unsupportedTransferEncoding: "Only chunked transfer-coding is supported"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .unsupportedExpectation: "Only 100-continue is supported in Expect"
        case .invalidChunkSize: "Malformed chunk size"
        case .invalidChunkExtension: "Malformed chunk extension"
        case .invalidChunkFraming: "Malformed chunk framing"
        case .invalidTrailer: "Malformed trailer section"
        case .bodyTooLarge: "Request body too large"
        }
    }
}
