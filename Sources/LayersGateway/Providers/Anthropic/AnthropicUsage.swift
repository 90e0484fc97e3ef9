import LayersCore
import LayersCredits

/// Anthropic usage -> the normalised record. Anthropic's `input_tokens` EXCLUDES cache reads and writes, so the
/// prompt is input + cache_read + cache_creation; thinking is inside `output_tokens`.
struct AnthropicUsage: Sendable, Hashable {
    var inputTokens = 0
    var outputTokens = 0
    var cacheReadTokens = 0
    var cacheCreationTokens = 0
    var cacheWrite5m: Int?
    var cacheWrite1h: Int?
    var webSearchRequests = 0

    /// Applies the members present in a `usage` object (message_start's, message_delta's or the response's).
    mutating func merge(_ usage: JSONValue?) {
        guard case .object(let u)? = usage else { return }
        if let v = u["input_tokens"]?.intValue { inputTokens = v }
        if let v = u["output_tokens"]?.intValue { outputTokens = v }
        if let v = u["cache_read_input_tokens"]?.intValue { cacheReadTokens = v }
        if let v = u["cache_creation_input_tokens"]?.intValue { cacheCreationTokens = v }
        if let v = u["cache_creation"]?["ephemeral_5m_input_tokens"]?.intValue { cacheWrite5m = v }
        if let v = u["cache_creation"]?["ephemeral_1h_input_tokens"]?.intValue { cacheWrite1h = v }
        if let v = u["server_tool_use"]?["web_search_requests"]?.intValue { webSearchRequests = v }
    }

    /// `reasoningEstimate`: Anthropic does not count thinking tokens separately; we estimate them from the
    /// thinking text (informational only: they are already billed inside `output_tokens`).
    func tokenUsage(reasoningEstimate: Int) -> TokenUsage {
        let oneHour = cacheWrite1h ?? 0
        let fiveMinutes = cacheWrite5m ?? max(0, cacheCreationTokens - oneHour)
        return TokenUsage(promptTokens: inputTokens + cacheReadTokens + cacheCreationTokens,
                          cachedReadTokens: cacheReadTokens, cacheWrite5mTokens: fiveMinutes,
                          cacheWrite1hTokens: oneHour, completionTokens: outputTokens,
                          reasoningTokens: min(outputTokens, reasoningEstimate),
                          webSearchRequests: webSearchRequests)
    }

    static func estimateTokens(characters: Int) -> Int { (characters + 3) / 4 }
}

/// Anthropic `stop_reason` -> OpenAI `finish_reason`.
func anthropicFinishReason(_ stopReason: String?, plan: AnthropicPlan) -> String {
    switch stopReason {
    case "max_tokens"?, "model_context_window_exceeded"?: return "length"
    case "tool_use"?: return plan.jsonToolName == nil ? "tool_calls" : "stop"
    case "refusal"?: return "content_filter"
    default: return "stop"  // end_turn, stop_sequence, pause_turn
    }
}
