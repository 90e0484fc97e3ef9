import LayersCore

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
