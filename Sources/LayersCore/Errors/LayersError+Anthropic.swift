extension LayersError {
    /// The HTTP status for Anthropic-format clients (`/v1/messages`). Anthropic has no 422
    /// (sent as 400) and reports overload as 529; other statuses are unchanged.
    public var anthropicStatus: Int {
        switch self {
        case .unprocessable: return 400
        case .providerOverloaded: return 529
        default: return status
        }
    }

    /// Anthropic's error `type` for this error.
    public var anthropicType: String {
        switch anthropicStatus {
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 504: return "timeout_error"
        case 529: return "overloaded_error"
        case 500...: return "api_error"
        default: return "invalid_request_error"
        }
    }

    /// Anthropic's error body: `{"type":"error","error":{"type":…,"message":…}}`, plus
    /// `request_id` at the top level when given (as Anthropic sends it).
    public func anthropicBody(requestID: String? = nil) -> JSONValue {
        var error = JSONObject()
        error["type"] = .string(anthropicType)
        error["message"] = .string(message)
        var body = JSONObject()
        body["type"] = "error"
        body["error"] = .object(error)
        if let requestID { body["request_id"] = .string(requestID) }
        return .object(body)
    }

    /// The error as Anthropic's mid-stream `event: error` SSE event.
    public func anthropicStreamEvent(requestID: String? = nil) -> SSEEvent {
        SSEEvent(event: "error", data: anthropicBody(requestID: requestID).serialized())
    }
}
