import LayersCredits

extension BuiltInModels {
    /// Morph apply-edit models (OpenAI-compatible API).
    static let morph: [ModelInfo] = [
        ModelInfo(
            id: "morph/morph-v3-fast", displayName: "Morph V3 Fast",
            capabilities: [.text, .stream],
            contextWindow: 81_920, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "0.80", output: "1.20"),
            released: "2025-07", upstreamName: "morph-v3-fast", original: true,
            notes: "Context sizes disagree between sources (16K-81.9K); 81,920 per the Vercel page."),
        ModelInfo(
            id: "morph/morph-v3-large", displayName: "Morph V3 Large",
            capabilities: [.text, .stream],
            contextWindow: 81_920, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "0.90", output: "1.90"),
            released: "2025-07", upstreamName: "morph-v3-large", original: true,
            notes: "Context sizes disagree between sources (32K-81.9K); 81,920 per the Vercel page."),
    ]
}
