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

    /// Anthropic's error `type` for this error (by its Anthropic status, as ``AnthropicInboundErrorType`` maps it).
    public var anthropicType: String {
        AnthropicInboundErrorType(status: anthropicStatus).rawValue
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
