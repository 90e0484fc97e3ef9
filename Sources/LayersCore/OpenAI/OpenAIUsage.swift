import LayersCredits

/// The OpenAI `usage` object, with `prompt_tokens_details` and `completion_tokens_details`.
///
/// `promptTokens` includes cached tokens and `completionTokens` includes reasoning tokens,
/// as in OpenAI's API and in `TokenUsage`.
///
/// ```swift
/// let usage = OpenAIUsage(TokenUsage(promptTokens: 2000, cachedReadTokens: 1500, completionTokens: 1000, reasoningTokens: 200))
/// usage.toJSON()
/// // {"prompt_tokens":2000,"completion_tokens":1000,"total_tokens":3000,
/// //  "prompt_tokens_details":{"cached_tokens":1500},"completion_tokens_details":{"reasoning_tokens":200}}
/// ```
public struct OpenAIUsage: Sendable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// `prompt_tokens_details.cached_tokens`: prompt tokens read from the cache.
    public var cachedTokens: Int
    /// `prompt_tokens_details.cache_write_tokens`: prompt tokens written to the cache (written only when > 0).
    public var cacheWriteTokens: Int
    /// `prompt_tokens_details.audio_tokens`: audio input tokens (written only when > 0).
    public var audioTokens: Int
    /// `completion_tokens_details.reasoning_tokens`.
    public var reasoningTokens: Int
    /// Other members (e.g. Perplexity's `citation_tokens`, `num_search_queries`, `cost`), kept as sent.
    public var extraFields: JSONObject

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil, cachedTokens: Int = 0,
                cacheWriteTokens: Int = 0, audioTokens: Int = 0, reasoningTokens: Int = 0,
                extraFields: JSONObject = JSONObject()) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.cachedTokens = cachedTokens
        self.cacheWriteTokens = cacheWriteTokens
        self.audioTokens = audioTokens
        self.reasoningTokens = reasoningTokens
        self.extraFields = extraFields
    }

    /// The OpenAI view of a normalised usage record.
    public init(_ usage: TokenUsage) {
        self.init(promptTokens: usage.promptTokens, completionTokens: usage.completionTokens,
                  totalTokens: usage.totalTokens, cachedTokens: usage.cachedReadTokens,
                  cacheWriteTokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
                  audioTokens: usage.audioPromptTokens, reasoningTokens: usage.reasoningTokens)
    }

    /// Reads an OpenAI-style `usage` object (from an OpenAI-compatible upstream); nil if it is
    /// not an object. Missing counts read as 0.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        let known: Set<String> = ["prompt_tokens", "completion_tokens", "total_tokens",
                                  "prompt_tokens_details", "completion_tokens_details"]
        let prompt = object["prompt_tokens"]?.intValue ?? 0
        let completion = object["completion_tokens"]?.intValue ?? 0
        self.init(promptTokens: prompt, completionTokens: completion,
                  totalTokens: object["total_tokens"]?.intValue ?? prompt + completion,
                  cachedTokens: object["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0,
                  cacheWriteTokens: object["prompt_tokens_details"]?["cache_write_tokens"]?.intValue ?? 0,
                  audioTokens: object["prompt_tokens_details"]?["audio_tokens"]?.intValue ?? 0,
                  reasoningTokens: object["completion_tokens_details"]?["reasoning_tokens"]?.intValue ?? 0,
                  extraFields: JSONObject(object.lazy.filter { !known.contains($0.key) }.map { ($0.key, $0.value) }))
    }

    /// The normalised record for billing (cache writes counted as 5-minute writes).
    public var tokenUsage: TokenUsage {
        TokenUsage(promptTokens: promptTokens, cachedReadTokens: cachedTokens, cacheWrite5mTokens: cacheWriteTokens,
                   audioPromptTokens: audioTokens, completionTokens: completionTokens, reasoningTokens: reasoningTokens)
    }

    /// The `usage` object.
    public func toJSON() -> JSONValue {
        // Built from key and value arrays (distinct keys by construction): every answer carries one, and the
        // dictionary-literal path checks each key against the others and grows the object member by member.
        var promptKeys = ["cached_tokens"], promptValues = [JSONValue(cachedTokens)]
        if cacheWriteTokens > 0 {
            promptKeys.append("cache_write_tokens")
            promptValues.append(JSONValue(cacheWriteTokens))
        }
        if audioTokens > 0 {
            promptKeys.append("audio_tokens")
            promptValues.append(JSONValue(audioTokens))
        }
        var object = JSONObject(
            uncheckedKeys: ["prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
                            "completion_tokens_details"],
            values: [JSONValue(promptTokens), JSONValue(completionTokens), JSONValue(totalTokens),
                     .object(JSONObject(uncheckedKeys: promptKeys, values: promptValues)),
                     .object(JSONObject(uncheckedKeys: ["reasoning_tokens"], values: [JSONValue(reasoningTokens)]))])
        for (key, value) in extraFields { object[key] = value }
        return .object(object)
    }

    /// Writes the `usage` object straight into `writer` (same bytes as `toJSON()`).
    public func write(to writer: inout JSONWriter) {
        writer.writeRaw("{\"prompt_tokens\":")
        writer.writeRaw(String(promptTokens))
        writer.writeRaw(",\"completion_tokens\":")
        writer.writeRaw(String(completionTokens))
        writer.writeRaw(",\"total_tokens\":")
        writer.writeRaw(String(totalTokens))
        writer.writeRaw(",\"prompt_tokens_details\":{\"cached_tokens\":")
        writer.writeRaw(String(cachedTokens))
        if cacheWriteTokens > 0 {
            writer.writeRaw(",\"cache_write_tokens\":")
            writer.writeRaw(String(cacheWriteTokens))
        }
        if audioTokens > 0 {
            writer.writeRaw(",\"audio_tokens\":")
            writer.writeRaw(String(audioTokens))
        }
        writer.writeRaw("},\"completion_tokens_details\":{\"reasoning_tokens\":")
        writer.writeRaw(String(reasoningTokens))
        writer.writeRaw("}")
        writer.writeMembers(of: extraFields)
        writer.writeRaw("}")
    }
}
