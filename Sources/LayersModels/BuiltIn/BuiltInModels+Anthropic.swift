import LayersCredits

extension BuiltInModels {
    /// Anthropic Claude. Cache writes: 5 min = 1.25 × input, 1 h = 2 × input; cache reads = 0.1 × input.
    /// `json` is emulated (forced tool) because the Messages API has no `response_format`.
    /// Every Claude model also prices the web search server tool: $10 per 1,000 searches.
    static let anthropic: [ModelInfo] = claude.map { model in
        var model = model
        model.pricing.perWebSearch = dollars("0.01")
        return model
    }

    private static let claude: [ModelInfo] = [
        ModelInfo(
            id: "anthropic/claude-haiku-4.5", displayName: "Claude 4.5 Haiku",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 200_000, maxOutputTokens: 64_000,
            pricing: ModelPricing(usdPerMillionInput: "1", output: "5", cachedRead: "0.10",
                                  cacheWrite5m: "1.25", cacheWrite1h: "2"),
            released: "2025-10",
            aliases: ["anthropic/claude-haiku-4-5-20251001"], upstreamName: "claude-haiku-4-5", original: true),
        ModelInfo(
            id: "anthropic/claude-sonnet-4.5", displayName: "Claude 4.5 Sonnet",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 200_000, maxOutputTokens: 64_000,
            pricing: ModelPricing(
                usdPerMillionInput: "3", output: "15", cachedRead: "0.30", cacheWrite5m: "3.75", cacheWrite1h: "6",
                longContextTiers: [
                    // 1M-context beta: a prompt above 200K bills every token at the long-context rates.
                    LongContextTier(aboveTokens: 200_000, input: usd("6"), output: usd("22.50"),
                                    cachedRead: usd("0.60"), cacheWrite5m: usd("7.50"), cacheWrite1h: usd("12")),
                ]),
            released: "2025-09",
            aliases: ["anthropic/claude-sonnet-4-5-20250929"], upstreamName: "claude-sonnet-4-5", original: true,
            notes: "Context above 200K needs the context-1m beta header."),
        ModelInfo(
            id: "anthropic/claude-opus-4.5", displayName: "Claude 4.5 Opus",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 200_000, maxOutputTokens: 64_000,
            pricing: ModelPricing(usdPerMillionInput: "5", output: "25", cachedRead: "0.50",
                                  cacheWrite5m: "6.25", cacheWrite1h: "10"),
            released: "2025-11",
            aliases: ["anthropic/claude-opus-4-5-20251101"], upstreamName: "claude-opus-4-5", original: true),
        ModelInfo(
            id: "anthropic/claude-opus-4.1", displayName: "Claude 4.1 Opus",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 200_000, maxOutputTokens: 32_000,
            pricing: ModelPricing(usdPerMillionInput: "15", output: "75", cachedRead: "1.50",
                                  cacheWrite5m: "18.75", cacheWrite1h: "30"),
            released: "2025-08", aliases: ["anthropic/claude-opus-4-1-20250805"], upstreamName: "claude-opus-4-1"),
        ModelInfo(
            id: "anthropic/claude-opus-4", displayName: "Claude 4 Opus",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 200_000, maxOutputTokens: 32_000,
            pricing: ModelPricing(usdPerMillionInput: "15", output: "75", cachedRead: "1.50",
                                  cacheWrite5m: "18.75", cacheWrite1h: "30"),
            released: "2025-05", aliases: ["anthropic/claude-opus-4-20250514"], upstreamName: "claude-opus-4-0"),
        ModelInfo(
            id: "anthropic/claude-opus-4.6", displayName: "Claude 4.6 Opus",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 1_000_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "5", output: "25", cachedRead: "0.50",
                                  cacheWrite5m: "6.25", cacheWrite1h: "10"),
            released: "2026-02", upstreamName: "claude-opus-4-6"),
        ModelInfo(
            id: "anthropic/claude-sonnet-4.6", displayName: "Claude 4.6 Sonnet",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .cache, .thinking],
            contextWindow: 1_000_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(
                usdPerMillionInput: "3", output: "15", cachedRead: "0.30", cacheWrite5m: "3.75", cacheWrite1h: "6",
                longContextTiers: [
                    LongContextTier(aboveTokens: 200_000, input: usd("6"), output: usd("22.50"),
                                    cachedRead: usd("0.60"), cacheWrite5m: usd("7.50"), cacheWrite1h: usd("12")),
                ]),
            released: "2026-02", upstreamName: "claude-sonnet-4-6"),
    ]
}
