/// The assistant message of a non-streamed response choice.
public struct AssistantMessage: Sendable, Hashable {
    /// The text answer; nil when the model only called tools.
    public var content: String?
    /// A refusal message, when the model refused.
    public var refusal: String?
    /// Tool calls made by the model.
    public var toolCalls: [ToolCall]
    /// Reasoning/thinking text, as `reasoning_content` (the de-facto extension used by
    /// DeepSeek, vLLM, OpenRouter and others).
    public var reasoningContent: String?
    /// Other members, kept as given (e.g. `annotations`, Anthropic `thinking_blocks`).
    public var extraFields: JSONObject

    public init(content: String?, refusal: String? = nil, toolCalls: [ToolCall] = [],
                reasoningContent: String? = nil, extraFields: JSONObject = JSONObject()) {
        self.content = content
        self.refusal = refusal
        self.toolCalls = toolCalls
        self.reasoningContent = reasoningContent
        self.extraFields = extraFields
    }

    /// Reads an upstream `message` object leniently.
    public init(json: JSONObject) {
        let known: Set<String> = ["role", "content", "refusal", "tool_calls", "reasoning_content"]
        self.init(content: json["content"]?.stringValue,
                  refusal: json["refusal"]?.stringValue,
                  toolCalls: json["tool_calls"]?.arrayValue?.compactMap { $0.objectValue.map(ToolCall.init(json:)) } ?? [],
                  reasoningContent: json["reasoning_content"]?.stringValue,
                  extraFields: JSONObject(json.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) }))
    }

    /// `{"role":"assistant","content":…|null,"refusal":…|null,"tool_calls"?:[…],"reasoning_content"?:…}`.
    public func toJSON() -> JSONValue {
        var object: JSONObject = [
            "role": "assistant",
            "content": content.map(JSONValue.string) ?? .null,
            "refusal": refusal.map(JSONValue.string) ?? .null,
        ]
        if !toolCalls.isEmpty { object["tool_calls"] = .array(toolCalls.map { $0.toJSON() }) }
        if let reasoningContent { object["reasoning_content"] = .string(reasoningContent) }
        for (key, value) in extraFields { object[key] = value }
        return .object(object)
    }
}
