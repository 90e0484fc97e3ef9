import LayersCore
import LayersCredits

/// Reads usage from OpenAI-style `usage` objects (OpenAI, Perplexity, Morph, gateways, local servers).
enum OpenAIUsageMapping {
    /// The normalised record. Perplexity: `reasoning_tokens` at the top level, `num_search_queries` as searches,
    /// `search_context_size` for its request fee (falling back to what the request asked for).
    static func tokenUsage(_ usage: JSONObject, request: JSONObject?) -> TokenUsage {
        let promptDetails = usage["prompt_tokens_details"]
        let completionDetails = usage["completion_tokens_details"]
        let contextSize = usage["search_context_size"]?.stringValue
            ?? request?["web_search_options"]?["search_context_size"]?.stringValue
        return TokenUsage(
            promptTokens: usage["prompt_tokens"]?.intValue ?? 0,
            cachedReadTokens: promptDetails?["cached_tokens"]?.intValue ?? 0,
            cacheWrite5mTokens: promptDetails?["cache_write_tokens"]?.intValue
                ?? promptDetails?["cache_creation_tokens"]?.intValue ?? 0,
            audioPromptTokens: promptDetails?["audio_tokens"]?.intValue ?? 0,
            completionTokens: usage["completion_tokens"]?.intValue ?? 0,
            reasoningTokens: completionDetails?["reasoning_tokens"]?.intValue ?? usage["reasoning_tokens"]?.intValue ?? 0,
            webSearchRequests: usage["num_search_queries"]?.intValue ?? 0,
            searchContextSize: contextSize.flatMap { SearchContextSize(rawValue: $0.lowercased()) })
    }

    /// The `usage` object we return: OpenAI's own is kept as sent; others are rendered in OpenAI's shape with
    /// their extra members (Perplexity's `search_context_size`, `citation_tokens`, `cost`, ...) kept.
    static func clientUsage(_ usage: JSONObject, normalised: TokenUsage, api: ProviderAPI) -> JSONValue {
        if api == .openAI { return .object(usage) }
        var rendered = OpenAIUsage(normalised)
        let known: Set<String> = ["prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
                                  "completion_tokens_details", "reasoning_tokens"]
        rendered.extraFields = JSONObject(usage.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) })
        return rendered.toJSON()
    }

    /// A rough count (4 bytes a token) for servers that report no usage at all.
    static func estimateTokens(bytes: Int) -> Int { (bytes + 3) / 4 }
}
