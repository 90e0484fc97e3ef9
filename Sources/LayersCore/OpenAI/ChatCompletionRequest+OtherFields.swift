extension ChatCompletionRequest {
    /// `logprobs`: return log probabilities of the output tokens.
    public var logprobs: Bool? { json["logprobs"]?.boolValue }
    /// `top_logprobs` (0–20).
    public var topLogprobs: Int? { json["top_logprobs"]?.intValue }
    /// `logit_bias`: token id to bias (-100–100).
    public var logitBias: JSONObject? { json["logit_bias"]?.objectValue }
    /// `modalities`, e.g. `["text", "audio"]`.
    public var modalities: [String] { json["modalities"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// `audio` output parameters (`voice`, `format`).
    public var audio: JSONObject? { json["audio"]?.objectValue }
    /// `prediction` (predicted outputs).
    public var prediction: JSONObject? { json["prediction"]?.objectValue }
    /// `store`: whether OpenAI may store the completion.
    public var store: Bool? { json["store"]?.boolValue }
    /// `service_tier`: `auto`, `default`, `flex`, `priority`.
    public var serviceTier: String? { json["service_tier"]?.stringValue }
    /// `verbosity`: `low`, `medium`, `high`.
    public var verbosity: String? { json["verbosity"]?.stringValue }
    /// `web_search_options` (OpenAI search models; Perplexity's `search_context_size` lives here too).
    public var webSearchOptions: JSONObject? { json["web_search_options"]?.objectValue }
    /// `prompt_cache_key`.
    public var promptCacheKey: String? { json["prompt_cache_key"]?.stringValue }
    /// `safety_identifier`.
    public var safetyIdentifier: String? { json["safety_identifier"]?.stringValue }
}
