import LayersCore
import LayersCredits

/// Gemini `usageMetadata` -> the normalised record. `promptTokenCount` INCLUDES cached tokens; thoughts are billed
/// as output, so completion = candidates + thoughts; tool-use prompt tokens are input. Audio input (billed at its
/// own price on models that publish one) is the `AUDIO` entry of `promptTokensDetails` less its cached part.
enum GeminiUsage {
    static func tokenUsage(_ metadata: JSONValue?, images: Int = 0, searches: Int = 0) -> TokenUsage {
        let thoughts = metadata?["thoughtsTokenCount"]?.intValue ?? 0
        let audio = tokens(of: "AUDIO", in: metadata?["promptTokensDetails"])
            - tokens(of: "AUDIO", in: metadata?["cacheTokensDetails"])
        return TokenUsage(
            promptTokens: (metadata?["promptTokenCount"]?.intValue ?? 0) + (metadata?["toolUsePromptTokenCount"]?.intValue ?? 0),
            cachedReadTokens: metadata?["cachedContentTokenCount"]?.intValue ?? 0,
            audioPromptTokens: max(0, audio),
            completionTokens: (metadata?["candidatesTokenCount"]?.intValue ?? 0) + thoughts,
            reasoningTokens: thoughts,
            webSearchRequests: searches,
            imageCount: images)
    }

    /// The token count of one modality in a `ModalityTokenCount` list (`[{"modality": "AUDIO", "tokenCount": 7}]`).
    static func tokens(of modality: String, in details: JSONValue?) -> Int {
        guard let entries = details?.arrayValue else { return 0 }
        return entries.reduce(0) { total, entry in
            entry["modality"]?.stringValue == modality ? total + (entry["tokenCount"]?.intValue ?? 0) : total
        }
    }
}

/// Gemini `finishReason` -> OpenAI `finish_reason`.
func geminiFinishReason(_ reason: String?, hasToolCalls: Bool) -> String? {
    switch reason {
    case nil: return nil
    case "STOP"?, "FINISH_REASON_UNSPECIFIED"?, "OTHER"?, "MALFORMED_FUNCTION_CALL"?, "UNEXPECTED_TOOL_CALL"?:
        return hasToolCalls ? "tool_calls" : "stop"
    case "MAX_TOKENS"?: return "length"
    default: return "content_filter"  // SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, IMAGE_SAFETY, ...
    }
}
