import LayersCore
import LayersCredits

/// The deterministic stand-in for every model that `lyr_test_` keys talk to.
///
/// Given the same request it gives the same answer: plain text that quotes the last user message, tool calls
/// (arguments valid against the tool's `parameters` schema) when tools are offered and the conversation is not
/// already answering a tool result, and JSON valid against a requested `json_schema` (or an object for
/// `json_object`). Token usage is counted the way the estimator counts (about 4 bytes per token), so the
/// credits it reports are what a similar real request would cost.
public struct SandboxSimulator: Sendable {
    public static let bytesPerToken = 4

    public init() {}

    /// Answers `request`, the parsed chat completion body, as `model` (the registry id).
    public func answer(request: JSONValue, model: String, supportsReasoning: Bool = false) -> SandboxAnswer {
        let messages = request["messages"]?.arrayValue ?? []
        let messageBytes = JSONValue.array(messages).serializedBytes()
        var random = DeterministicRandom(seedBytes: Array(model.utf8) + messageBytes)
        let id = "chatcmpl-sbx" + String(random.next() & 0xffff_ffff_ffff, radix: 16)
        let toolsBytes = request["tools"].map { $0.serializedBytes().count } ?? 0
        let promptTokens = Self.tokens(bytes: messageBytes.count + toolsBytes) + 3 * messages.count
        let maxTokens = (request["max_completion_tokens"] ?? request["max_tokens"])?.intValue

        var answer = SandboxAnswer(content: nil, reasoning: nil, toolCalls: [], finishReason: "stop",
                                   usage: TokenUsage(promptTokens: promptTokens), id: id)

        let effort = request["reasoning_effort"]?.stringValue
        let wantsReasoning = (effort != nil && effort != "none") || request["thinking"]?["type"]?.stringValue == "enabled"
        if supportsReasoning && wantsReasoning {
            answer.reasoning = "The user asked: \(Self.excerpt(lastUserText(messages), 80)). "
                + "Simulated reasoning: restate the question, then answer it step by step."
        }

        if let call = toolCall(request: request, messages: messages, random: &random) {
            answer.toolCalls = [call]
            answer.finishReason = "tool_calls"
        } else if let json = structuredOutput(request: request, random: random) {
            answer.content = json
        } else {
            answer.content = text(model: model, messages: messages)
        }

        var completion = Self.tokens(bytes: (answer.content?.utf8.count ?? 0)
            + answer.toolCalls.reduce(0) { $0 + $1.name.utf8.count + $1.arguments.utf8.count })
        let reasoningTokens = answer.reasoning.map { Self.tokens(bytes: $0.utf8.count) } ?? 0
        if let maxTokens, maxTokens > 0, completion + reasoningTokens > maxTokens, answer.toolCalls.isEmpty,
           let content = answer.content, request["response_format"] == nil {
            // Truncate like a real model hitting its limit.
            let budget = max(1, maxTokens - reasoningTokens)
            answer.content = String(decoding: content.utf8.prefix(budget * Self.bytesPerToken), as: UTF8.self)
            completion = budget
            answer.finishReason = "length"
        }
        answer.usage.completionTokens = completion + reasoningTokens
        answer.usage.reasoningTokens = reasoningTokens
        return answer
    }

    static func tokens(bytes: Int) -> Int { max(1, (bytes + bytesPerToken - 1) / bytesPerToken) }

    static func excerpt(_ text: String, _ limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "..."
    }

    /// The text of the last user message (text parts joined).
    func lastUserText(_ messages: [JSONValue]) -> String {
        guard let last = messages.last(where: { $0["role"]?.stringValue == "user" }) else { return "" }
        return Self.text(of: last["content"])
    }

    static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let s)?: return s
        case .array(let parts)?:
            return parts.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
                .joined(separator: " ")
        default: return ""
        }
    }

    private func text(model: String, messages: [JSONValue]) -> String {
        let last = messages.last
        if last?["role"]?.stringValue == "tool" {
            return "Simulated answer from \(model) using the tool result: \(Self.excerpt(Self.text(of: last?["content"]), 200))"
        }
        let user = lastUserText(messages)
        let images = messages.reduce(0) { count, m in
            count + (m["content"]?.arrayValue?.filter { $0["type"]?.stringValue == "image_url" }.count ?? 0)
        }
        var out = "This is a simulated response from \(model) (Layers sandbox: no provider was called, nothing is charged)."
        if images > 0 { out += " I received \(images) image\(images == 1 ? "" : "s")." }
        if !user.isEmpty { out += " You said: \"\(Self.excerpt(user, 200))\"" }
        return out
    }

    private func toolCall(request: JSONValue, messages: [JSONValue], random: inout DeterministicRandom)
        -> SandboxAnswer.ToolCall?
    {
        guard let tools = request["tools"]?.arrayValue, !tools.isEmpty else { return nil }
        let functions = tools.filter { ($0["type"]?.stringValue ?? "function") == "function" && $0["function"] != nil }
        guard !functions.isEmpty else { return nil }
        let choice = request["tool_choice"]
        var chosen: JSONValue?
        switch choice {
        case .string("none")?: return nil
        case .string("required")?: chosen = functions[0]
        case .object(let o)?:
            let name = o["function"]?["name"]?.stringValue
            chosen = functions.first { $0["function"]?["name"]?.stringValue == name } ?? functions[0]
        default:
            // auto: call a tool unless the conversation already holds its result.
            if messages.last?["role"]?.stringValue == "tool" { return nil }
            chosen = functions[0]
        }
        guard let fn = chosen?["function"], let name = fn["name"]?.stringValue else { return nil }
        let schema = fn["parameters"] ?? .object(["type": "object", "properties": .object(JSONObject())])
        var generator = SchemaInstanceGenerator(schema: schema, random: random)
        let args = generator.generate(name: name)
        let id = "call_sbx" + String(random.next() & 0xffff_ffff, radix: 16)
        return SandboxAnswer.ToolCall(id: id, name: name, arguments: args.serialized())
    }

    private func structuredOutput(request: JSONValue, random: DeterministicRandom) -> String? {
        guard let format = request["response_format"], let type = format["type"]?.stringValue else { return nil }
        switch type {
        case "json_schema":
            let schema = format["json_schema"]?["schema"] ?? .object(JSONObject())
            var generator = SchemaInstanceGenerator(schema: schema, random: random)
            return generator.generate(name: format["json_schema"]?["name"]?.stringValue ?? "value").serialized()
        case "json_object":
            let object: JSONValue = [
                "result": .string("simulated"),
                "note": "Layers sandbox answer; no provider was called.",
            ]
            return object.serialized()
        default:
            return nil
        }
    }
}
