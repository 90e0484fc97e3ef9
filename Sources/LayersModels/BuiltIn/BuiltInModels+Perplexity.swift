import LayersCredits

extension BuiltInModels {
    /// Perplexity Sonar: token prices plus a per-request fee by `search_context_size`
    /// (low is Perplexity's default). Fees per 1,000 requests, as published.
    static let perplexity: [ModelInfo] = [
        ModelInfo(
            id: "perplexity/sonar", displayName: "Sonar",
            capabilities: [.text, .web, .vision, .json, .stream],
            contextWindow: 127_000, maxOutputTokens: 8_000,
            pricing: ModelPricing(usdPerMillionInput: "1", output: "1",
                                  requestFees: RequestFees(usdPerThousand: "5", "8", "12")),
            released: "2025-02", upstreamName: "sonar", original: true),
        ModelInfo(
            id: "perplexity/sonar-pro", displayName: "Sonar Pro",
            capabilities: [.text, .web, .vision, .json, .stream],
            contextWindow: 200_000, maxOutputTokens: 8_000,
            pricing: ModelPricing(usdPerMillionInput: "3", output: "15",
                                  requestFees: RequestFees(usdPerThousand: "6", "10", "14")),
            released: "2025-02", upstreamName: "sonar-pro", original: true),
        ModelInfo(
            id: "perplexity/sonar-reasoning-pro", displayName: "Sonar Reasoning Pro",
            capabilities: [.text, .web, .thinking, .stream],
            contextWindow: 127_000, maxOutputTokens: 8_000,
            pricing: ModelPricing(usdPerMillionInput: "2", output: "8",
                                  requestFees: RequestFees(usdPerThousand: "6", "10", "14")),
            released: "2025-02", upstreamName: "sonar-reasoning-pro", reasoningOnly: true, original: true,
            notes: "Reasoning arrives as <think>...</think> inside the content."),
        ModelInfo(
            id: "perplexity/sonar-reasoning", displayName: "Sonar Reasoning",
            capabilities: [.text, .web, .thinking, .stream],
            contextWindow: 128_000, maxOutputTokens: 8_000,
            pricing: ModelPricing(usdPerMillionInput: "1", output: "5",
                                  requestFees: RequestFees(usdPerThousand: "5", "8", "12")),
            released: "2025-01", deprecated: true, upstreamName: "sonar-reasoning", reasoningOnly: true,
            notes: "Deprecated by Perplexity in favour of sonar-reasoning-pro. Request fees assumed equal to Sonar's."),
    ]
}
