import LayersCredits

extension BuiltInModels {
    /// OpenAI chat and reasoning models. Prompt caching is automatic (no write charge), so these
    /// have a cached-read price but not the `cache` capability (which means client-controlled
    /// caching). The original registry's rounded prices ($1.30, $0.10, $0.30) are replaced by the
    /// public ones ($1.25, $0.15, $0.25).
    static let openAI: [ModelInfo] = [
        ModelInfo(
            id: "openai/gpt-4o", displayName: "GPT-4o",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream],
            contextWindow: 128_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "2.50", output: "10", cachedRead: "1.25"),
            released: "2024-05",
            aliases: ["openai/gpt-4o-2024-08-06", "openai/gpt-4o-2024-11-20"], upstreamName: "gpt-4o", original: true),
        ModelInfo(
            id: "openai/gpt-4o-mini", displayName: "GPT-4o Mini",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream],
            contextWindow: 128_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "0.15", output: "0.60", cachedRead: "0.075"),
            released: "2024-07",
            aliases: ["openai/gpt-4o-mini-2024-07-18"], upstreamName: "gpt-4o-mini", original: true),
        ModelInfo(
            id: "openai/gpt-5-chat", displayName: "GPT-5 Chat",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream],
            contextWindow: 128_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-08", upstreamName: "gpt-5-chat-latest", original: true),
        ModelInfo(
            id: "openai/gpt-5-codex", displayName: "GPT-5 Codex",
            capabilities: [.text, .vision, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-08", upstreamName: "gpt-5-codex", original: true,
            notes: "Responses API only upstream."),
        ModelInfo(
            id: "openai/gpt-5.1-codex", displayName: "GPT-5.1 Codex",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-11", upstreamName: "gpt-5.1-codex", original: true,
            notes: "Responses API only upstream."),
        ModelInfo(
            id: "openai/gpt-5.1-codex-mini", displayName: "GPT-5.1 Codex Mini",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "0.25", output: "2", cachedRead: "0.025"),
            released: "2025-11", upstreamName: "gpt-5.1-codex-mini", original: true,
            notes: "Responses API only upstream."),
        ModelInfo(
            id: "openai/gpt-5.1-instant", displayName: "GPT-5.1 Instant",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream],
            contextWindow: 128_000, maxOutputTokens: 16_384,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-11", upstreamName: "gpt-5.1-chat-latest", original: true),
        ModelInfo(
            id: "openai/gpt-5.1-thinking", displayName: "GPT-5.1 Thinking",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-11", upstreamName: "gpt-5.1", original: true),
        // Newer public models (not in the original registry).
        ModelInfo(
            id: "openai/gpt-5", displayName: "GPT-5",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-08", aliases: ["openai/gpt-5-2025-08-07"], upstreamName: "gpt-5"),
        ModelInfo(
            id: "openai/gpt-5-mini", displayName: "GPT-5 Mini",
            capabilities: [.text, .vision, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "0.25", output: "2", cachedRead: "0.025"),
            released: "2025-08", aliases: ["openai/gpt-5-mini-2025-08-07"], upstreamName: "gpt-5-mini"),
        ModelInfo(
            id: "openai/gpt-5-nano", displayName: "GPT-5 Nano",
            capabilities: [.text, .vision, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "0.05", output: "0.40", cachedRead: "0.005"),
            released: "2025-08", aliases: ["openai/gpt-5-nano-2025-08-07"], upstreamName: "gpt-5-nano"),
        ModelInfo(
            id: "openai/gpt-5-pro", displayName: "GPT-5 Pro",
            capabilities: [.text, .vision, .pdf, .tools, .json, .thinking],
            contextWindow: 400_000, maxOutputTokens: 272_000,
            pricing: ModelPricing(usdPerMillionInput: "15", output: "120"),
            released: "2025-10",
            aliases: ["openai/gpt-5-pro-2025-10-06"], upstreamName: "gpt-5-pro", reasoningOnly: true,
            notes: "Responses API only upstream; no streaming."),
        ModelInfo(
            id: "openai/gpt-5.1-codex-max", displayName: "GPT-5.1 Codex Max",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 400_000, maxInputTokens: 272_000, maxOutputTokens: 128_000,
            pricing: ModelPricing(usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125"),
            released: "2025-11", upstreamName: "gpt-5.1-codex-max",
            notes: "Responses API only upstream. The original dropped it for intermittent failures."),
        ModelInfo(
            id: "openai/o1", displayName: "o1",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(usdPerMillionInput: "15", output: "60", cachedRead: "7.50"),
            released: "2024-12", aliases: ["openai/o1-2024-12-17"], upstreamName: "o1", reasoningOnly: true),
        ModelInfo(
            id: "openai/o3", displayName: "o3",
            capabilities: [.text, .vision, .pdf, .tools, .json, .stream, .thinking],
            contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(usdPerMillionInput: "2", output: "8", cachedRead: "0.50"),
            released: "2025-04", aliases: ["openai/o3-2025-04-16"], upstreamName: "o3", reasoningOnly: true),
        ModelInfo(
            id: "openai/o3-mini", displayName: "o3 Mini",
            capabilities: [.text, .tools, .json, .stream, .thinking],
            contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(usdPerMillionInput: "1.10", output: "4.40", cachedRead: "0.55"),
            released: "2025-01", aliases: ["openai/o3-mini-2025-01-31"], upstreamName: "o3-mini", reasoningOnly: true),
        ModelInfo(
            id: "openai/o4-mini", displayName: "o4 Mini",
            capabilities: [.text, .vision, .tools, .json, .stream, .thinking],
            contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(usdPerMillionInput: "1.10", output: "4.40", cachedRead: "0.275"),
            released: "2025-04", aliases: ["openai/o4-mini-2025-04-16"], upstreamName: "o4-mini", reasoningOnly: true),
        ModelInfo(
            id: "openai/o3-pro", displayName: "o3 Pro",
            capabilities: [.text, .vision, .pdf, .tools, .json, .thinking],
            contextWindow: 200_000, maxOutputTokens: 100_000,
            pricing: ModelPricing(usdPerMillionInput: "20", output: "80"),
            released: "2025-06", aliases: ["openai/o3-pro-2025-06-10"], upstreamName: "o3-pro", reasoningOnly: true,
            notes: "Responses API only upstream; no streaming."),
    ]
}
