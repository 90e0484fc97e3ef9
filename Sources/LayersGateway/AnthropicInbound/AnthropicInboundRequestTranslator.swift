import LayersCore

/// Translates an Anthropic Messages request body into the OpenAI Chat Completions body that every adapter takes,
/// for models that are not Anthropic's (Anthropic models get `AnthropicPassthrough` instead).
///
/// What maps: `system` (string or text blocks, `cache_control` kept on parts) to a system message; user and
/// assistant turns with text, image (base64 and URL), PDF document, `tool_use` (to `tool_calls`) and
/// `tool_result` (to `tool` messages placed before the rest of that user turn); `max_tokens`, `temperature`,
/// `top_p`, `stop_sequences`, `stream` (usage forced on), `metadata.user_id`; custom tools and `tool_choice`
/// (auto/any/tool/none, `disable_parallel_tool_use`); `thinking` to `reasoning_effort`.
/// What cannot: `top_k` (no OpenAI field; dropped), thinking blocks from earlier turns (carried as
/// `thinking_blocks`, which only the Anthropic adapter uses: no other provider can verify their signatures), server tools such as `web_search_20250305` (rejected with a 400, since
/// only Anthropic runs them).
///
/// ```swift
/// let openAI = try AnthropicInboundRequestTranslator().translate(try JSONValue.parse(body))
/// ```
public struct AnthropicInboundRequestTranslator: Sendable {
    /// Which OpenAI field carries `max_tokens`: `max_tokens` (understood by every OpenAI-compatible server) or
    /// `max_completion_tokens` (required by OpenAI's reasoning models).
    public var maxTokensField: String

    public init(maxTokensField: String = "max_tokens") {
        self.maxTokensField = maxTokensField
    }

    /// The OpenAI Chat Completions body for an Anthropic Messages body. Throws a 400 naming the bad field.
    public func translate(_ request: JSONValue) throws(AnthropicInboundError) -> JSONValue {
        let (model, requiredMaxTokens, messages) = try AnthropicPassthrough.envelopeHead(request)
        // envelopeHead checked both: an object body, and max_tokens (required here).
        guard let body = request.objectValue, let maxTokens = requiredMaxTokens else {
            throw .invalidRequest("max_tokens: Field required (a positive integer)")
        }

        var out = JSONObject()
        out["model"] = .string(model)
        var chat: [JSONValue] = []
        if let system = body["system"], !system.isNull {
            chat.append(try Self.systemMessage(system))
        }
        for (index, message) in messages.enumerated() {
            chat.append(contentsOf: try AnthropicInboundMessageTranslator.translate(message, index: index))
        }
        out["messages"] = .array(chat)
        out[maxTokensField] = .number(JSONNumber(maxTokens))

        for key in ["temperature", "top_p"] {
            if let value = body[key], !value.isNull {
                guard value.numberValue != nil else { throw .invalidRequest("\(key): must be a number") }
                out[key] = value
            }
        }
        if let stops = body["stop_sequences"], !stops.isNull {
            guard let list = stops.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidRequest("stop_sequences: must be an array of strings")
            }
            if !list.isEmpty { out["stop"] = stops }
        }
        if let stream = body["stream"], !stream.isNull {
            guard let flag = stream.boolValue else { throw .invalidRequest("stream: must be a boolean") }
            out["stream"] = .bool(flag)
            if flag { out["stream_options"] = ["include_usage": true] }
        }
        if let user = body["metadata"]?["user_id"]?.stringValue { out["user"] = .string(user) }
        if let tools = body["tools"], !tools.isNull {
            let translated = try AnthropicInboundToolTranslator.tools(tools)
            if !translated.isEmpty { out["tools"] = .array(translated) }
        }
        if let choice = body["tool_choice"], !choice.isNull {
            let (openAIChoice, parallel) = try AnthropicInboundToolTranslator.toolChoice(choice)
            out["tool_choice"] = openAIChoice
            if let parallel, out["tools"] != nil { out["parallel_tool_calls"] = .bool(parallel) }
        }
        if let thinking = body["thinking"], !thinking.isNull {
            if let effort = try Self.reasoningEffort(thinking) { out["reasoning_effort"] = .string(effort) }
        }
        return .object(out)
    }

    /// `system` as one OpenAI system message: a plain string when no block carries `cache_control`, otherwise
    /// text parts that keep it.
    static func systemMessage(_ system: JSONValue) throws(AnthropicInboundError) -> JSONValue {
        if let text = system.stringValue { return ["role": "system", "content": .string(text)] }
        guard let blocks = system.arrayValue else {
            throw .invalidRequest("system: must be a string or an array of text blocks")
        }
        var parts: [JSONValue] = []
        var texts: [String] = []
        var cached = false
        for (i, block) in blocks.enumerated() {
            guard block["type"]?.stringValue == "text", let text = block["text"]?.stringValue else {
                throw .invalidRequest("system.\(i): only text blocks are allowed in system")
            }
            texts.append(text)
            var part: JSONObject = ["type": "text", "text": .string(text)]
            if let cache = block["cache_control"], !cache.isNull {
                part["cache_control"] = cache
                cached = true
            }
            parts.append(.object(part))
        }
        if cached { return ["role": "system", "content": .array(parts)] }
        return ["role": "system", "content": .string(texts.joined(separator: "\n\n"))]
    }

    /// Thinking budget to reasoning effort: under 4,096 tokens is low, under 16,384 medium, otherwise high;
    /// `{"type":"disabled"}` sets nothing.
    static func reasoningEffort(_ thinking: JSONValue) throws(AnthropicInboundError) -> String? {
        switch thinking["type"]?.stringValue {
        case "disabled": return nil
        case "enabled":
            guard let budget = thinking["budget_tokens"]?.int64Value else {
                throw .invalidRequest("thinking.budget_tokens: Field required")
            }
            guard budget >= 1024 else { throw .invalidRequest("thinking.budget_tokens: must be at least 1024") }
            if budget < 4096 { return "low" }
            if budget < 16384 { return "medium" }
            return "high"
        case "adaptive": return "medium"
        default: throw .invalidRequest("thinking.type: must be 'enabled' or 'disabled'")
        }
    }
}
