/// The `error.type` values of Anthropic's error shape, with the HTTP status each one goes with.
///
/// Anthropic clients (the official SDKs, Claude Code) pick their exception class from the status code and read
/// `error.type` and `error.message` from `{"type":"error","error":{"type":…,"message":…}}`.
public enum AnthropicInboundErrorType: String, Sendable, Hashable, CaseIterable {
    case invalidRequest = "invalid_request_error"
    case authentication = "authentication_error"
    case billing = "billing_error"
    case permission = "permission_error"
    case notFound = "not_found_error"
    case requestTooLarge = "request_too_large"
    case rateLimit = "rate_limit_error"
    case api = "api_error"
    case overloaded = "overloaded_error"
    case timeout = "timeout_error"

    /// The type Anthropic uses for an HTTP status (any 4xx without its own type is an invalid request;
    /// 5xx other than 529/504 is an API error: a 503 from the gateway means a provider is not configured or
    /// unavailable, not overloaded, and provider overload arrives here as 529).
    public init(status: Int) {
        switch status {
        case 401: self = .authentication
        case 402: self = .billing
        case 403: self = .permission
        case 404: self = .notFound
        case 413: self = .requestTooLarge
        case 429: self = .rateLimit
        case 529: self = .overloaded
        case 504: self = .timeout
        case 400..<500: self = .invalidRequest
        default: self = .api
        }
    }
}
