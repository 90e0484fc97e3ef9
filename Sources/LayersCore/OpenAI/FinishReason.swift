/// Why the model stopped: OpenAI's `finish_reason` values.
public enum FinishReason: String, Sendable, Hashable, CaseIterable {
    case stop
    case length
    case toolCalls = "tool_calls"
    case contentFilter = "content_filter"
    /// Deprecated by OpenAI; kept for completeness.
    case functionCall = "function_call"
}
