import LayersCredits

extension BuiltInModels {
    /// OpenAI image models, priced per image by size and quality (OpenAI's published table).
    /// Text prompt tokens are billed at the input price as well.
    static let openAIImages: [ModelInfo] = [
        ModelInfo(
            id: "openai/gpt-image-1", displayName: "GPT Image 1", kind: .image,
            capabilities: [.imageGen, .vision], contextWindow: 32_000, maxOutputTokens: nil,
            pricing: ModelPricing(usdPerMillionInput: "5", output: "0", images: gptImageSizes(
                low: ("0.011", "0.016"), medium: ("0.042", "0.063"), high: ("0.167", "0.25"))),
            released: "2025-04", upstreamName: "gpt-image-1",
            notes: "quality auto/unspecified is priced as high."),
        ModelInfo(
            id: "openai/gpt-image-1-mini", displayName: "GPT Image 1 Mini", kind: .image,
            capabilities: [.imageGen, .vision], contextWindow: 32_000, maxOutputTokens: nil,
            pricing: ModelPricing(usdPerMillionInput: "2", output: "0", images: gptImageSizes(
                low: ("0.005", "0.006"), medium: ("0.011", "0.015"), high: ("0.036", "0.052"))),
            released: "2025-10", upstreamName: "gpt-image-1-mini",
            notes: "quality auto/unspecified is priced as high."),
        ModelInfo(
            id: "openai/dall-e-3", displayName: "DALL-E 3", kind: .image,
            capabilities: [.imageGen], contextWindow: 4_000, maxOutputTokens: nil,
            pricing: .imageOnly(ImagePricing(
                sizes: [
                    ImageSizePrice(size: "1024x1024", quality: "standard", price: dollars("0.04")),
                    ImageSizePrice(size: "1024x1792", quality: "standard", price: dollars("0.08")),
                    ImageSizePrice(size: "1792x1024", quality: "standard", price: dollars("0.08")),
                    ImageSizePrice(size: "1024x1024", quality: "hd", price: dollars("0.08")),
                    ImageSizePrice(size: "1024x1792", quality: "hd", price: dollars("0.12")),
                    ImageSizePrice(size: "1792x1024", quality: "hd", price: dollars("0.12")),
                ],
                defaultSize: "1024x1024", defaultQuality: "standard")),
            released: "2023-11", upstreamName: "dall-e-3"),
    ]

    /// gpt-image-1 style table: (1024x1024, 1024x1536 and 1536x1024) per quality.
    private static func gptImageSizes(low: (String, String), medium: (String, String),
                                      high: (String, String)) -> ImagePricing {
        var sizes: [ImageSizePrice] = []
        for (quality, prices) in [("low", low), ("medium", medium), ("high", high)] {
            sizes.append(ImageSizePrice(size: "1024x1024", quality: quality, price: dollars(prices.0)))
            sizes.append(ImageSizePrice(size: "1024x1536", quality: quality, price: dollars(prices.1)))
            sizes.append(ImageSizePrice(size: "1536x1024", quality: quality, price: dollars(prices.1)))
        }
        return ImagePricing(sizes: sizes, defaultSize: "1024x1024", defaultQuality: "high")
    }

    /// Google Imagen 4 (`:predict`), a flat price per image. Gemini image models are chat models
    /// with `image-gen` (see `BuiltInModels+Google.swift`).
    static let googleImages: [ModelInfo] = [
        ModelInfo(
            id: "google/imagen-4.0-fast-generate-001", displayName: "Imagen 4 Fast", kind: .image,
            capabilities: [.imageGen], contextWindow: 480, maxOutputTokens: nil,
            pricing: .imageOnly(.flat(dollars("0.02"))),
            released: "2025-06", upstreamName: "imagen-4.0-fast-generate-001"),
        ModelInfo(
            id: "google/imagen-4.0-generate-001", displayName: "Imagen 4", kind: .image,
            capabilities: [.imageGen], contextWindow: 480, maxOutputTokens: nil,
            pricing: .imageOnly(.flat(dollars("0.04"))),
            released: "2025-06", upstreamName: "imagen-4.0-generate-001"),
        ModelInfo(
            id: "google/imagen-4.0-ultra-generate-001", displayName: "Imagen 4 Ultra", kind: .image,
            capabilities: [.imageGen], contextWindow: 480, maxOutputTokens: nil,
            pricing: .imageOnly(.flat(dollars("0.06"))),
            released: "2025-06", upstreamName: "imagen-4.0-ultra-generate-001",
            notes: "The original charged $0.08; Google lists $0.06."),
    ]

    /// Black Forest Labs FLUX (asynchronous API: submit, poll, fetch). FLUX.2 is priced per
    /// megapixel (first MP + each further started MP); FLUX.1 models per image.
    static let bfl: [ModelInfo] = [
        flux("bfl/flux-2-pro", "FLUX.2 [pro]", firstMP: "0.03", extraMP: "0.015", released: "2025-11"),
        flux("bfl/flux-2-flex", "FLUX.2 [flex]", firstMP: "0.05", extraMP: "0.05", released: "2025-11",
             notes: "The original charged $0.06 per MP; BFL lists from $0.05."),
        flux("bfl/flux-2-max", "FLUX.2 [max]", firstMP: "0.07", extraMP: "0.03", released: "2025-12"),
        flux("bfl/flux-2-klein-4b", "FLUX.2 [klein] 4B", firstMP: "0.014", extraMP: "0.001", released: "2026-01"),
        flux("bfl/flux-2-klein-9b", "FLUX.2 [klein] 9B", firstMP: "0.015", extraMP: "0.002", released: "2026-01"),
        flux("bfl/flux-pro-1.1", "FLUX1.1 [pro]", perImage: "0.04", released: "2024-10"),
        flux("bfl/flux-pro-1.1-ultra", "FLUX1.1 [pro] Ultra", perImage: "0.06", released: "2024-11",
             notes: "Aspect ratios 21:9 to 9:21."),
        flux("bfl/flux-kontext-pro", "FLUX.1 Kontext [pro]", perImage: "0.04", released: "2025-05"),
        flux("bfl/flux-kontext-max", "FLUX.1 Kontext [max]", perImage: "0.08", released: "2025-05"),
        flux("bfl/flux-dev", "FLUX.1 [dev]", perImage: "0.025", released: "2024-08"),
    ]

    private static func flux(_ id: String, _ name: String, firstMP: String? = nil, extraMP: String? = nil,
                             perImage: String? = nil, released: String, notes: String? = nil) -> ModelInfo {
        let pricing = ImagePricing(perImage: perImage.map(dollars), perMegapixel: firstMP.map(dollars),
                                   perAdditionalMegapixel: extraMP.map(dollars), defaultSize: "1024x1024")
        return ModelInfo(id: id, displayName: name, kind: .image, capabilities: [.imageGen, .vision],
                         contextWindow: 0, maxOutputTokens: nil, pricing: .imageOnly(pricing),
                         released: released, notes: notes)
    }

    /// Recraft (OpenAI-style images API at external.api.recraft.ai). Raster and vector (SVG)
    /// variants are separate models because they are priced differently.
    static let recraft: [ModelInfo] = [
        recraftModel("recraft/recraft-v3", "Recraft V3", upstream: "recraftv3", price: "0.04", released: "2024-10"),
        recraftModel("recraft/recraft-v3-vector", "Recraft V3 Vector", upstream: "recraftv3_vector", price: "0.08",
                     released: "2024-10"),
        recraftModel("recraft/recraft-v2", "Recraft V2", upstream: "recraftv2", price: "0.022", released: "2024-03"),
        recraftModel("recraft/recraft-v2-vector", "Recraft V2 Vector", upstream: "recraftv2_vector", price: "0.044",
                     released: "2024-03"),
        recraftModel("recraft/recraft-v4", "Recraft V4", upstream: "recraftv4", price: "0.04", released: "2026-02"),
        recraftModel("recraft/recraft-v4-vector", "Recraft V4 Vector", upstream: "recraftv4_vector", price: "0.08",
                     released: "2026-02"),
        recraftModel("recraft/recraft-v4-pro", "Recraft V4 Pro", upstream: "recraftv4_pro", price: "0.25",
                     released: "2026-02"),
        recraftModel("recraft/recraft-v4-pro-vector", "Recraft V4 Pro Vector", upstream: "recraftv4_pro_vector",
                     price: "0.30", released: "2026-02"),
    ]

    private static func recraftModel(_ id: String, _ name: String, upstream: String, price: String,
                                     released: String) -> ModelInfo {
        ModelInfo(id: id, displayName: name, kind: .image, capabilities: [.imageGen], contextWindow: 0,
                  maxOutputTokens: nil, pricing: .imageOnly(.flat(dollars(price))), released: released,
                  upstreamName: upstream)
    }
}
