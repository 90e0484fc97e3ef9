import LayersCore

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

/// An error answered to a `/v1/messages` client, in Anthropic's shape.
///
/// ```swift
/// let error = AnthropicInboundError(status: 400, message: "messages: field required")
/// response.body = error.body.serializedBytes()   // {"type":"error","error":{"type":"invalid_request_error",…}}
/// ```
public struct AnthropicInboundError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status to answer with.
    public var status: Int
    public var type: AnthropicInboundErrorType
    public var message: String

    public init(status: Int, type: AnthropicInboundErrorType? = nil, message: String) {
        self.status = status
        self.type = type ?? AnthropicInboundErrorType(status: status)
        self.message = message
    }

    /// A 400 `invalid_request_error`.
    public static func invalidRequest(_ message: String) -> AnthropicInboundError {
        AnthropicInboundError(status: 400, type: .invalidRequest, message: message)
    }

    /// `{"type":"error","error":{"type":…,"message":…}}`: the response body, and the `data` of a stream `error` event.
    public var body: JSONValue {
        ["type": "error", "error": ["type": .string(type.rawValue), "message": .string(message)]]
    }

    /// The same error from an OpenAI-shaped error body (`{"error":{"message","type","code"}}`) and its status, as
    /// produced by the rest of the gateway; the message is kept, the type follows the status.
    public init(status: Int, openAIErrorBody: JSONValue?) {
        let message = openAIErrorBody?["error"]?["message"]?.stringValue
            ?? openAIErrorBody?["error"]?.stringValue
            ?? "request failed with status \(status)"
        self.init(status: status, message: message)
    }

    public var description: String { "\(status) \(type.rawValue): \(message)" }
}
