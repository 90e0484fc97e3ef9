/// OpenAI `finish_reason` to Anthropic `stop_reason`.
enum AnthropicInboundStopReason {
    static func from(finishReason: String?) -> String {
        switch finishReason {
        case "length": return "max_tokens"
        case "tool_calls", "function_call": return "tool_use"
        case "content_filter": return "refusal"
        default: return "end_turn"
        }
    }
}
