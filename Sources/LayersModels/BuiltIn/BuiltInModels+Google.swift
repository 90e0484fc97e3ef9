import LayersCredits

extension BuiltInModels {
    /// Google Gemini chat models. Implicit caching bills cached reads at the cached price (no
    /// write charge; explicit cache storage is billed per hour and is not modelled here). Gemini
    /// 2.5 Pro and 3 Pro bill a whole request at the higher rates when the prompt is above 200K.
    static let google: [ModelInfo] = [
        ModelInfo(
            id: "google/gemini-2.5-flash", displayName: "Gemini 2.5 Flash",
            capabilities: [.text, .vision, .pdf, .audioIn, .videoIn, .tools, .json, .stream, .thinking],
            contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(usdPerMillionInput: "0.30", output: "2.50", cachedRead: "0.03", audioInput: "1"),
            released: "2025-03", upstreamName: "gemini-2.5-flash", original: true),
        ModelInfo(
            id: "google/gemini-2.5-flash-lite", displayName: "Gemini 2.5 Flash Lite",
            capabilities: [.text, .vision, .pdf, .audioIn, .tools, .json, .stream, .thinking],
            contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(usdPerMillionInput: "0.10", output: "0.40", cachedRead: "0.01", audioInput: "0.30"),
            released: "2025-03", upstreamName: "gemini-2.5-flash-lite", original: true),
        ModelInfo(
            id: "google/gemini-2.5-flash-image", displayName: "Gemini 2.5 Flash Image",
            capabilities: [.text, .vision, .tools, .json, .imageGen],
            contextWindow: 32_768, maxOutputTokens: 32_768,
            pricing: ModelPricing(usdPerMillionInput: "0.30", output: "2.50", cachedRead: "0.03",
                                  // Image output tokens are $30/1M, 1290 tokens per image.
                                  images: .flat(dollars("0.039"))),
            released: "2025-03", upstreamName: "gemini-2.5-flash-image", original: true,
            notes: "Report generated images as imageCount, not as completion tokens."),
        ModelInfo(
            id: "google/gemini-2.5-pro", displayName: "Gemini 2.5 Pro",
            capabilities: [.text, .vision, .pdf, .audioIn, .videoIn, .tools, .json, .stream, .thinking],
            contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(
                usdPerMillionInput: "1.25", output: "10", cachedRead: "0.125",
                longContextTiers: [
                    LongContextTier(aboveTokens: 200_000, input: usd("2.50"), output: usd("15"), cachedRead: usd("0.25")),
                ]),
            released: "2025-03", upstreamName: "gemini-2.5-pro", original: true),
        ModelInfo(
            id: "google/gemini-3-flash", displayName: "Gemini 3 Flash",
            capabilities: [.text, .vision, .pdf, .audioIn, .videoIn, .tools, .json, .stream, .thinking],
            contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(usdPerMillionInput: "0.50", output: "3", cachedRead: "0.05"),
            released: "2025-12", upstreamName: "gemini-3-flash-preview", original: true),
        ModelInfo(
            id: "google/gemini-3-pro-preview", displayName: "Gemini 3 Pro Preview",
            capabilities: [.text, .vision, .pdf, .audioIn, .videoIn, .tools, .json, .stream, .thinking],
            contextWindow: 1_048_576, maxOutputTokens: 65_536,
            pricing: ModelPricing(
                usdPerMillionInput: "2", output: "12", cachedRead: "0.20",
                longContextTiers: [
                    LongContextTier(aboveTokens: 200_000, input: usd("4"), output: usd("18"), cachedRead: usd("0.40")),
                ]),
            released: "2025-12", deprecated: true, upstreamName: "gemini-3-pro-preview", original: true,
            notes: "Marked deprecated upstream (models.dev)."),
        ModelInfo(
            id: "google/gemini-3-pro-image", displayName: "Gemini 3 Pro Image",
            capabilities: [.text, .vision, .tools, .json, .imageGen],
            contextWindow: 65_536, maxOutputTokens: 32_768,
            pricing: ModelPricing(
                usdPerMillionInput: "2", output: "12", cachedRead: "0.20",
                // Image output tokens are $120/1M: about $0.134 per 1K/2K image, $0.24 per 4K image.
                images: ImagePricing(perImage: dollars("0.134"),
                                     sizes: [ImageSizePrice(size: "1K", price: dollars("0.134")),
                                             ImageSizePrice(size: "2K", price: dollars("0.134")),
                                             ImageSizePrice(size: "4K", price: dollars("0.24"))],
                                     defaultSize: "1K")),
            released: "2025-12", upstreamName: "gemini-3-pro-image-preview", original: true,
            notes: "The original priced all output at the image-token rate ($120/1M); text output is $12/1M."),
    ]
}
