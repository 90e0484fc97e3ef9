import Foundation
import LayersCore
import LayersCredits
import LayersModels

/// Anthropic message -> OpenAI `chat.completion`.
enum AnthropicResponse {
    static func translate(_ message: JSONObject, plan: AnthropicPlan, model: ModelInfo,
                          context: ProviderContext) throws -> (JSONObject, TokenUsage) {
        guard case .array(let blocks)? = message["content"] else { throw context.unreadable("message has no content") }
        var text = ""
        var reasoning = ""
        var thinkingBlocks: [JSONValue] = []
        var toolCalls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text"?:
                text += block["text"]?.stringValue ?? ""
            case "thinking"?:
                let thinking = block["thinking"]?.stringValue ?? ""
                reasoning += thinking
                thinkingBlocks.append(["type": "thinking", "thinking": .string(thinking),
                                       "signature": block["signature"] ?? ""])
            case "redacted_thinking"?:
                thinkingBlocks.append(["type": "redacted_thinking", "data": block["data"] ?? ""])
            case "tool_use"?:
                let input = block["input"] ?? .object([:])
                if let jsonTool = plan.jsonToolName, block["name"]?.stringValue == jsonTool {
                    text += (plan.jsonWrapped ? (input["value"] ?? .null) : input).serialized()
                } else {
                    toolCalls.append(["id": block["id"] ?? "", "type": "function",
                                      "function": ["name": block["name"] ?? "", "arguments": .string(input.serialized())]])
                }
            default:
                break  // server_tool_use, web_search_tool_result: results already folded into the text
            }
        }
        var out: JSONObject = ["role": "assistant",
                               "content": text.isEmpty && !toolCalls.isEmpty ? .null : .string(text),
                               "refusal": .null]
        if !toolCalls.isEmpty { out["tool_calls"] = .array(toolCalls) }
        if !reasoning.isEmpty || !thinkingBlocks.isEmpty { out["reasoning_content"] = .string(reasoning) }
        if !thinkingBlocks.isEmpty { out["thinking_blocks"] = .array(thinkingBlocks) }

        var usage = AnthropicUsage()
        usage.merge(message["usage"])
        let tokenUsage = usage.tokenUsage(reasoningEstimate: AnthropicUsage.estimateTokens(characters: reasoning.count))
        let finish = anthropicFinishReason(message["stop_reason"]?.stringValue, plan: plan)
        let body: JSONObject = [
            "id": .string("chatcmpl-" + (message["id"]?.stringValue ?? UUID().uuidString)),
            "object": "chat.completion",
            "created": JSONValue(Int(Date().timeIntervalSince1970)),
            "model": .string(model.id),
            "choices": [["index": 0, "message": .object(out), "finish_reason": .string(finish), "logprobs": .null]],
            "usage": OpenAIUsage(tokenUsage).toJSON(),
        ]
        return (body, tokenUsage)
    }

    /// `{"type":"error","error":{"type","message"}}` -> the message.
    static func errorMessage(status: Int, body: [UInt8]) -> (message: String, retryAfter: Int?) {
        guard let json = JSONValue.parseOrNil(body) else { return (bodyExcerpt(body, status: status), nil) }
        return (json["error"]?["message"]?.stringValue ?? json["message"]?.stringValue
                ?? bodyExcerpt(body, status: status), nil)
    }
}
