import LayersCore
import LayersCredits

/// The OpenAI `usage` object for a normalised usage record, with cached and reasoning token details.
enum UsageJSON {
    static func render(_ usage: TokenUsage) -> JSONValue {
        var prompt = JSONObject()
        prompt["cached_tokens"] = .number(JSONNumber(usage.cachedReadTokens))
        let cacheWrite = usage.cacheWrite5mTokens + usage.cacheWrite1hTokens
        if cacheWrite > 0 { prompt["cache_write_tokens"] = .number(JSONNumber(cacheWrite)) }
        var completion = JSONObject()
        completion["reasoning_tokens"] = .number(JSONNumber(usage.reasoningTokens))
        var object = JSONObject()
        object["prompt_tokens"] = .number(JSONNumber(usage.promptTokens))
        object["completion_tokens"] = .number(JSONNumber(usage.completionTokens))
        object["total_tokens"] = .number(JSONNumber(usage.totalTokens))
        object["prompt_tokens_details"] = .object(prompt)
        object["completion_tokens_details"] = .object(completion)
        return .object(object)
    }
}
