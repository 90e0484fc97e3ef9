import LayersCore

/// Anthropic `tools` and `tool_choice` to their OpenAI forms.
enum AnthropicInboundToolTranslator {
    /// Custom tools (`{name, description, input_schema}`, optionally `type: "custom"`) to OpenAI function tools.
    /// Server tools (any other `type`, e.g. `web_search_20250305`) run only on Anthropic models: a clear 400.
    static func tools(_ value: JSONValue) throws(AnthropicInboundError) -> [JSONValue] {
        guard let list = value.arrayValue else { throw .invalidRequest("tools: must be an array") }
        var out: [JSONValue] = []
        for (i, tool) in list.enumerated() {
            if let type = tool["type"]?.stringValue, type != "custom" {
                throw .invalidRequest(
                    "tools.\(i): server tool '\(type)' runs only on Anthropic models; use an anthropic/ model or a custom tool")
            }
            guard let name = tool["name"]?.stringValue, !name.isEmpty else {
                throw .invalidRequest("tools.\(i).name: Field required")
            }
            var function: JSONObject = ["name": .string(name)]
            if let description = tool["description"]?.stringValue { function["description"] = .string(description) }
            guard let schema = tool["input_schema"], schema.objectValue != nil else {
                throw .invalidRequest("tools.\(i).input_schema: Field required (a JSON schema object)")
            }
            function["parameters"] = schema
            out.append(["type": "function", "function": .object(function)])
        }
        return out
    }

    /// `tool_choice` to OpenAI's, plus `parallel_tool_calls` when `disable_parallel_tool_use` is set.
    static func toolChoice(_ value: JSONValue) throws(AnthropicInboundError) -> (JSONValue, Bool?) {
        let parallel = value["disable_parallel_tool_use"]?.boolValue.map { !$0 }
        switch value["type"]?.stringValue {
        case "auto": return ("auto", parallel)
        case "any": return ("required", parallel)
        case "none": return ("none", nil)
        case "tool":
            guard let name = value["name"]?.stringValue else {
                throw .invalidRequest("tool_choice.name: Field required when type is 'tool'")
            }
            return (["type": "function", "function": ["name": .string(name)]], parallel)
        default:
            throw .invalidRequest("tool_choice.type: must be one of 'auto', 'any', 'tool', 'none'")
        }
    }
}
