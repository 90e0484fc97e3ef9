import LayersCore

/// Translates an OpenAI `chat.completion` body into an Anthropic `message` body.
///
/// `thinking_blocks` (Anthropic's, through the Anthropic adapter) become `thinking`/`redacted_thinking` blocks with
/// their signatures; otherwise `reasoning_content` (or `reasoning`) becomes a leading `thinking` block (with an
/// empty signature: it did not come from Anthropic and cannot be verified there), text a `text` block, each tool call a `tool_use` block
/// with its arguments parsed into `input`. `finish_reason` maps to `stop_reason`, usage per
/// `AnthropicInboundUsage`. A `layers` object (credits, latency) is carried over unchanged.
public struct AnthropicInboundResponseTranslator: Sendable {
    public init() {}

    /// - Parameters:
    ///   - response: the OpenAI `chat.completion` body.
    ///   - model: the model id to report (the one the client asked for).
    public func translate(_ response: JSONValue, model: String) -> JSONValue {
        let choice = response["choices"]?[0]
        let message = choice?["message"]
        var content: [JSONValue] = []
        if let blocks = message?["thinking_blocks"]?.arrayValue, !blocks.isEmpty {
            content += blocks.compactMap(Self.thinkingBlock)
        } else if let reasoning = (message?["reasoning_content"] ?? message?["reasoning"])?.stringValue, !reasoning.isEmpty {
            content.append(["type": "thinking", "thinking": .string(reasoning), "signature": ""])
        }
        if let text = message?["content"]?.stringValue, !text.isEmpty {
            content.append(["type": "text", "text": .string(text)])
        } else if let parts = message?["content"]?.arrayValue {
            let text = parts.compactMap { $0["text"]?.stringValue }.joined()
            if !text.isEmpty { content.append(["type": "text", "text": .string(text)]) }
        }
        for call in message?["tool_calls"]?.arrayValue ?? [] {
            let arguments = call["function"]?["arguments"]?.stringValue ?? ""
            content.append(["type": "tool_use",
                            "id": .string(Self.toolUseID(call["id"]?.stringValue)),
                            "name": .string(call["function"]?["name"]?.stringValue ?? ""),
                            "input": Self.parseArguments(arguments)])
        }
        var out = JSONObject()
        out["id"] = .string(Self.messageID(response["id"]?.stringValue))
        out["type"] = "message"
        out["role"] = "assistant"
        out["model"] = .string(model)
        out["content"] = .array(content)
        out["stop_reason"] = .string(AnthropicInboundStopReason.from(finishReason: choice?["finish_reason"]?.stringValue))
        out["stop_sequence"] = .null
        out["usage"] = .object(AnthropicInboundUsage.anthropicUsage(fromOpenAI: response["usage"]))
        if let layers = response["layers"] { out["layers"] = layers }
        return .object(out)
    }

    /// A `thinking_blocks` entry (Anthropic's own, with its signature) as a content block.
    static func thinkingBlock(_ block: JSONValue) -> JSONValue? {
        switch block["type"]?.stringValue {
        case "thinking":
            return ["type": "thinking", "thinking": block["thinking"] ?? "", "signature": block["signature"] ?? ""]
        case "redacted_thinking":
            return ["type": "redacted_thinking", "data": block["data"] ?? ""]
        default:
            return nil
        }
    }

    /// `msg_…` from an OpenAI completion id.
    static func messageID(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "msg_layers" }
        if id.hasPrefix("msg_") { return id }
        if id.hasPrefix("chatcmpl-") { return "msg_" + id.dropFirst("chatcmpl-".count) }
        return "msg_" + id
    }

    /// Tool call ids pass through (Anthropic clients only echo them back in `tool_result.tool_use_id`).
    static func toolUseID(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "toolu_layers" }
        return id
    }

    /// Tool arguments as an object; empty or unparsable text gives `{}` (Anthropic's `input` must be an object).
    static func parseArguments(_ text: String) -> JSONValue {
        guard !text.isEmpty, let parsed = try? JSONValue.parse(text), parsed.objectValue != nil else {
            return .object(JSONObject())
        }
        return parsed
    }
}
