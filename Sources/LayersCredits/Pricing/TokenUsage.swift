/// Perplexity's `web_search_options.search_context_size`, which sets its per-request fee.
public enum SearchContextSize: String, Sendable, Hashable, Codable, CaseIterable {
    case low, medium, high
}

/// One request's usage, normalised across providers. This is what gets billed.
///
/// Conventions (adapters convert each provider's numbers into these):
/// - `promptTokens` counts ALL input tokens, including cached reads and cache writes
///   (OpenAI's `prompt_tokens`; Anthropic's `input_tokens + cache_read_input_tokens +
///   cache_creation_input_tokens`; Gemini's `promptTokenCount`).
/// - `completionTokens` counts ALL output tokens, including reasoning/thinking tokens.
///   `reasoningTokens` is informational: it is a subset of `completionTokens` and is never
///   billed a second time.
/// - `requestCount` is the number of upstream calls the record covers (1 by default); per-request
///   fees (Perplexity) are charged per call.
public struct TokenUsage: Sendable, Hashable, Codable {
    /// All input tokens, including cached reads and cache writes.
    public var promptTokens: Int
    /// Input tokens read from the prompt cache (billed at the cached-read price).
    public var cachedReadTokens: Int
    /// Input tokens written to a 5-minute cache (billed at the 5m cache-write price).
    public var cacheWrite5mTokens: Int
    /// Input tokens written to a 1-hour cache (billed at the 1h cache-write price).
    public var cacheWrite1hTokens: Int
    /// Uncached input tokens that are audio (Gemini `promptTokensDetails` with modality AUDIO,
    /// OpenAI `prompt_tokens_details.audio_tokens`): part of `promptTokens`, billed at the audio
    /// input price instead of the input price.
    public var audioPromptTokens: Int
    /// All output tokens, including reasoning tokens.
    public var completionTokens: Int
    /// Reasoning/thinking tokens: already inside `completionTokens`.
    public var reasoningTokens: Int
    /// Built-in web searches performed (billed per search where the model prices them).
    public var webSearchRequests: Int
    /// Images generated (billed per image from `ModelPricing.images`).
    public var imageCount: Int
    /// Requested image size ("1024x1024") for per-size or per-megapixel image prices.
    public var imageSize: String?
    /// Requested image quality ("standard", "hd", "low", "medium", "high") where prices vary by it.
    public var imageQuality: String?
    /// Perplexity search context size; nil means the provider default (low).
    public var searchContextSize: SearchContextSize?
    /// Upstream calls covered by this record (request fees are per call).
    public var requestCount: Int

    public init(promptTokens: Int = 0,
                cachedReadTokens: Int = 0,
                cacheWrite5mTokens: Int = 0,
                cacheWrite1hTokens: Int = 0,
                audioPromptTokens: Int = 0,
                completionTokens: Int = 0,
                reasoningTokens: Int = 0,
                webSearchRequests: Int = 0,
                imageCount: Int = 0,
                imageSize: String? = nil,
                imageQuality: String? = nil,
                searchContextSize: SearchContextSize? = nil,
                requestCount: Int = 1) {
        self.promptTokens = promptTokens
        self.cachedReadTokens = cachedReadTokens
        self.cacheWrite5mTokens = cacheWrite5mTokens
        self.cacheWrite1hTokens = cacheWrite1hTokens
        self.audioPromptTokens = audioPromptTokens
        self.completionTokens = completionTokens
        self.reasoningTokens = reasoningTokens
        self.webSearchRequests = webSearchRequests
        self.imageCount = imageCount
        self.imageSize = imageSize
        self.imageQuality = imageQuality
        self.searchContextSize = searchContextSize
        self.requestCount = requestCount
    }

    /// No usage at all, not even a request (costs nothing under every pricing).
    public static let zero = TokenUsage(requestCount: 0)

    /// Input tokens that are neither cache reads nor cache writes: prompt tokens minus those
    /// (never negative). Audio tokens are among them.
    public var uncachedPromptTokens: Int {
        max(0, promptTokens - cachedReadTokens - cacheWrite5mTokens - cacheWrite1hTokens)
    }

    /// Uncached audio input tokens (`audioPromptTokens`, at most `uncachedPromptTokens`).
    public var uncachedAudioPromptTokens: Int { min(max(0, audioPromptTokens), uncachedPromptTokens) }

    /// Total tokens, as OpenAI's `total_tokens` reports it.
    public var totalTokens: Int { promptTokens + completionTokens }

    /// Output tokens that are not reasoning tokens (the visible answer).
    public var visibleCompletionTokens: Int { max(0, completionTokens - reasoningTokens) }

    enum CodingKeys: String, CodingKey {
        case promptTokens, cachedReadTokens, cacheWrite5mTokens, cacheWrite1hTokens, audioPromptTokens, completionTokens,
             reasoningTokens, webSearchRequests, imageCount, imageSize, imageQuality, searchContextSize, requestCount
    }

    /// Decodes leniently: every missing count is 0 and a missing `requestCount` is 1, as in `init`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(promptTokens: try c.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0,
                  cachedReadTokens: try c.decodeIfPresent(Int.self, forKey: .cachedReadTokens) ?? 0,
                  cacheWrite5mTokens: try c.decodeIfPresent(Int.self, forKey: .cacheWrite5mTokens) ?? 0,
                  cacheWrite1hTokens: try c.decodeIfPresent(Int.self, forKey: .cacheWrite1hTokens) ?? 0,
                  audioPromptTokens: try c.decodeIfPresent(Int.self, forKey: .audioPromptTokens) ?? 0,
                  completionTokens: try c.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0,
                  reasoningTokens: try c.decodeIfPresent(Int.self, forKey: .reasoningTokens) ?? 0,
                  webSearchRequests: try c.decodeIfPresent(Int.self, forKey: .webSearchRequests) ?? 0,
                  imageCount: try c.decodeIfPresent(Int.self, forKey: .imageCount) ?? 0,
                  imageSize: try c.decodeIfPresent(String.self, forKey: .imageSize),
                  imageQuality: try c.decodeIfPresent(String.self, forKey: .imageQuality),
                  searchContextSize: try c.decodeIfPresent(SearchContextSize.self, forKey: .searchContextSize),
                  requestCount: try c.decodeIfPresent(Int.self, forKey: .requestCount) ?? 1)
    }
}
