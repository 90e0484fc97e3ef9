import LayersCore
import LayersCredits

/// The `/v1/messages` path for Anthropic's own models: the body goes upstream as the client wrote it (cache
/// control, thinking blocks and signatures, tool_use/tool_result, server tools untouched); only the model name
/// is swapped, in the request and back in the answer.
///
/// ```swift
/// let upstreamBody = try AnthropicPassthrough.rewriteRequest(body, upstreamModel: "claude-sonnet-4-5")
/// let clientBody = AnthropicPassthrough.rewriteResponse(upstreamBytes, model: "anthropic/claude-sonnet-4.5")
/// ```
public enum AnthropicPassthrough {
    /// The request body with `model` replaced. Everything else keeps its order and exact text.
    public static func rewriteRequest(_ body: JSONValue, upstreamModel: String) throws(AnthropicInboundError) -> JSONValue {
        guard body.objectValue != nil else { throw .invalidRequest("The request body must be a JSON object.") }
        guard body["model"]?.stringValue != nil else { throw .invalidRequest("model: Field required") }
        var out = body
        out["model"] = .string(upstreamModel)
        return out
    }

    /// The checks a body passes before any model is chosen, and all the gateway checks of a body that goes to
    /// Anthropic unchanged (Anthropic validates the blocks itself, so any block type it knows passes, including
    /// server tools and their results): an object with `model`, a positive integer `max_tokens` (unless
    /// `requireMaxTokens` is false, for count_tokens), and a non-empty `messages` array of user/assistant turns
    /// that each have `content`. Errors name the field as the translator does.
    public static func validateEnvelope(_ body: JSONValue, requireMaxTokens: Bool = true) throws(AnthropicInboundError) {
        let messages = try envelopeHead(body, requireMaxTokens: requireMaxTokens).messages
        for (index, message) in messages.enumerated() {
            let path = "messages.\(index)"
            guard message.objectValue != nil else { throw .invalidRequest("\(path): must be an object") }
            guard let role = message["role"]?.stringValue else { throw .invalidRequest("\(path).role: Field required") }
            guard role == "user" || role == "assistant" else {
                throw .invalidRequest("\(path).role: must be 'user' or 'assistant' (put system prompts in 'system')")
            }
            guard let content = message["content"], content.stringValue != nil || content.arrayValue != nil else {
                throw .invalidRequest("\(path).content: must be a string or an array of content blocks")
            }
        }
    }

    /// The top-level fields every Messages request needs: an object body, a non-empty `model`, `max_tokens` ≥ 1
    /// (optional when `requireMaxTokens` is false, but checked when present) and a non-empty `messages` array.
    static func envelopeHead(_ body: JSONValue, requireMaxTokens: Bool = true) throws(AnthropicInboundError)
        -> (model: String, maxTokens: Int64?, messages: [JSONValue])
    {
        guard body.objectValue != nil else { throw .invalidRequest("The request body must be a JSON object.") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else {
            throw .invalidRequest("model: Field required")
        }
        var maxTokens: Int64?
        if requireMaxTokens || body["max_tokens"] != nil {
            guard let value = body["max_tokens"]?.int64Value else {
                throw .invalidRequest("max_tokens: Field required (a positive integer)")
            }
            guard value >= 1 else { throw .invalidRequest("max_tokens: must be at least 1") }
            maxTokens = value
        }
        guard let messages = body["messages"]?.arrayValue else {
            throw .invalidRequest("messages: Field required (an array of messages)")
        }
        guard !messages.isEmpty else { throw .invalidRequest("messages: at least one message is required") }
        return (model, maxTokens, messages)
    }

    /// An upstream message (or error) body with `model` set back to the client's model id; bodies that do not
    /// parse are returned unchanged.
    public static func rewriteResponse(_ body: [UInt8], model: String) -> (body: [UInt8], json: JSONValue?) {
        guard var json = try? JSONValue.parse(body), json.objectValue != nil else { return (body, nil) }
        if json["model"] != nil { json["model"] = .string(model) }
        return (json.serializedBytes(), json)
    }

    /// Billed usage of a non-streamed Anthropic message body.
    public static func usage(ofMessage message: JSONValue) -> TokenUsage {
        AnthropicInboundUsage.tokenUsage(fromAnthropic: message["usage"])
    }
}

/// Watches an Anthropic SSE stream on its way to the client: swaps the model name in `message_start`, collects
/// the usage (`message_start.message.usage` merged with each `message_delta.usage`) for billing, and can add a
/// member to `message_delta` (`messageDeltaExtra`).
///
/// Events are re-encoded one by one as they arrive, so the client sees the upstream stream unchanged apart
/// from the model name.
public struct AnthropicPassthroughStream: Sendable {
    public let model: String
    /// Optional extra member for `message_delta` (e.g. the gateway's `layers` object), computed from the usage
    /// complete at that point.
    public var messageDeltaExtra: (@Sendable (TokenUsage) -> (key: String, value: JSONValue))?
    private var decoder = SSEDecoder()
    private var usageJSON: JSONValue?
    /// The stop reason from `message_delta`, if one arrived.
    public private(set) var stopReason: String?
    /// True once `message_stop` has passed.
    public private(set) var completed = false
    /// The upstream `error` event's body, if one arrived.
    public private(set) var error: JSONValue?

    public init(model: String) { self.model = model }

    /// Feeds upstream bytes; returns the bytes to forward to the client.
    public mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        for event in try decoder.decode(bytes) { forward(event, to: &out) }
        return out
    }

    /// Flushes a final event the upstream did not terminate with a blank line.
    public mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        if let event = decoder.finish() { forward(event, to: &out) }
        return out
    }

    /// The usage seen so far (all of it once `completed`).
    public var usage: TokenUsage { AnthropicInboundUsage.tokenUsage(fromAnthropic: usageJSON) }

    private mutating func forward(_ event: SSEEvent, to out: inout [UInt8]) {
        var event = event
        switch event.type {
        case "message_start":
            if var json = try? JSONValue.parse(event.data) {
                usageJSON = AnthropicInboundUsage.merge(usageJSON, json["message"]?["usage"])
                if json["message"]?["model"] != nil {
                    json["message"]?["model"] = .string(model)
                    event.data = json.serialized()
                }
            }
        case "message_delta":
            if var json = try? JSONValue.parse(event.data) {
                usageJSON = AnthropicInboundUsage.merge(usageJSON, json["usage"])
                if let reason = json["delta"]?["stop_reason"]?.stringValue { stopReason = reason }
                if let extra = messageDeltaExtra?(usage) {
                    json[extra.key] = extra.value
                    event.data = json.serialized()
                }
            }
        case "message_stop":
            completed = true
        case "error":
            error = try? JSONValue.parse(event.data)
        default:
            break
        }
        event.id = nil
        SSEEncoder.write(event, to: &out)
    }
}
