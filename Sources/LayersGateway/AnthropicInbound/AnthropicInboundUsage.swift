import LayersCore
import LayersCredits

/// Usage between the OpenAI and Anthropic shapes, and from Anthropic's shape to the billed `TokenUsage`.
///
/// OpenAI's `prompt_tokens` includes cached tokens; Anthropic's `input_tokens` excludes both cache reads and
/// cache writes. So `input_tokens = prompt_tokens - cached_tokens - cache_write_tokens`.
public enum AnthropicInboundUsage {
    /// Anthropic `usage` object for an OpenAI `usage` object (zeros when absent).
    public static func anthropicUsage(fromOpenAI usage: JSONValue?) -> JSONObject {
        let prompt = usage?["prompt_tokens"]?.intValue ?? 0
        let completion = usage?["completion_tokens"]?.intValue ?? 0
        let details = usage?["prompt_tokens_details"]
        let cachedRead = details?["cached_tokens"]?.intValue ?? 0
        let cacheWrite = details?["cache_write_tokens"]?.intValue
            ?? details?["cache_creation_tokens"]?.intValue ?? 0
        var out = JSONObject()
        out["input_tokens"] = .number(JSONNumber(max(0, prompt - cachedRead - cacheWrite)))
        out["cache_creation_input_tokens"] = .number(JSONNumber(cacheWrite))
        out["cache_read_input_tokens"] = .number(JSONNumber(cachedRead))
        out["output_tokens"] = .number(JSONNumber(completion))
        return out
    }

    /// The billed usage for an Anthropic `usage` object (a response's, or the merge of a stream's
    /// `message_start` and `message_delta` usages).
    public static func tokenUsage(fromAnthropic usage: JSONValue?) -> TokenUsage {
        let input = usage?["input_tokens"]?.intValue ?? 0
        let read = usage?["cache_read_input_tokens"]?.intValue ?? 0
        let creation = usage?["cache_creation_input_tokens"]?.intValue ?? 0
        var write5m = creation
        var write1h = 0
        if let split = usage?["cache_creation"] {
            let m5 = split["ephemeral_5m_input_tokens"]?.intValue ?? 0
            let h1 = split["ephemeral_1h_input_tokens"]?.intValue ?? 0
            if m5 + h1 > 0 {
                write5m = m5
                write1h = h1
            }
        }
        let searches = usage?["server_tool_use"]?["web_search_requests"]?.intValue ?? 0
        return TokenUsage(promptTokens: input + read + write5m + write1h, cachedReadTokens: read,
                          cacheWrite5mTokens: write5m, cacheWrite1hTokens: write1h,
                          completionTokens: usage?["output_tokens"]?.intValue ?? 0,
                          webSearchRequests: searches)
    }

    /// Folds a later usage object (e.g. `message_delta.usage`) into an earlier one: present fields win.
    public static func merge(_ base: JSONValue?, _ update: JSONValue?) -> JSONValue {
        var merged = base?.objectValue ?? JSONObject()
        for (key, value) in update?.objectValue ?? JSONObject() where !value.isNull {
            merged[key] = value
        }
        return .object(merged)
    }
}
