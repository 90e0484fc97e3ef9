/// Everything needed to price one model's usage.
///
/// Token prices are integer micro-USD per 1M tokens. Optional components fall back as
/// documented on `effectivePrices(promptTokens:)`.
public struct ModelPricing: Sendable, Hashable, Codable {
    /// Uncached input tokens.
    public var input: TokenPrice
    /// Uncached audio input tokens (Gemini 2.5 Flash: $1.00 against $0.30 for text); nil bills
    /// them at `input`.
    public var audioInput: TokenPrice?
    /// Output tokens (reasoning included).
    public var output: TokenPrice
    /// Cache-read input tokens; nil bills them at `input`.
    public var cachedRead: TokenPrice?
    /// 5-minute cache writes; nil bills them at `input` (OpenAI/Gemini have no write surcharge).
    public var cacheWrite5m: TokenPrice?
    /// 1-hour cache writes; nil falls back to `cacheWrite5m`, then `input`.
    public var cacheWrite1h: TokenPrice?
    /// Higher prices once the prompt exceeds a threshold (the highest matching tier wins).
    public var longContextTiers: [LongContextTier]
    /// Per-request fees by search context size (Perplexity).
    public var requestFees: RequestFees?
    /// Price of one built-in web search (e.g. Anthropic's web search tool, $10 per 1,000).
    public var perWebSearch: Picodollars?
    /// Per-image prices for image-generating models.
    public var images: ImagePricing?

    public init(input: TokenPrice, output: TokenPrice, cachedRead: TokenPrice? = nil,
                cacheWrite5m: TokenPrice? = nil, cacheWrite1h: TokenPrice? = nil,
                longContextTiers: [LongContextTier] = [], requestFees: RequestFees? = nil,
                perWebSearch: Picodollars? = nil, images: ImagePricing? = nil, audioInput: TokenPrice? = nil) {
        self.input = input
        self.audioInput = audioInput
        self.output = output
        self.cachedRead = cachedRead
        self.cacheWrite5m = cacheWrite5m
        self.cacheWrite1h = cacheWrite1h
        self.longContextTiers = longContextTiers
        self.requestFees = requestFees
        self.perWebSearch = perWebSearch
        self.images = images
    }

    /// Token prices from decimal dollars-per-million literals:
    /// `ModelPricing(usdPerMillionInput: "3", output: "15", cachedRead: "0.30")`.
    public init(usdPerMillionInput input: String, output: String, cachedRead: String? = nil,
                cacheWrite5m: String? = nil, cacheWrite1h: String? = nil,
                longContextTiers: [LongContextTier] = [], requestFees: RequestFees? = nil,
                perWebSearch: Picodollars? = nil, images: ImagePricing? = nil, audioInput: String? = nil) {
        self.init(input: TokenPrice(usdPerMillion: input), output: TokenPrice(usdPerMillion: output),
                  cachedRead: cachedRead.map(TokenPrice.init(usdPerMillion:)),
                  cacheWrite5m: cacheWrite5m.map(TokenPrice.init(usdPerMillion:)),
                  cacheWrite1h: cacheWrite1h.map(TokenPrice.init(usdPerMillion:)),
                  longContextTiers: longContextTiers, requestFees: requestFees,
                  perWebSearch: perWebSearch, images: images,
                  audioInput: audioInput.map(TokenPrice.init(usdPerMillion:)))
    }

    /// A model priced only per image (no token prices).
    public static func imageOnly(_ images: ImagePricing) -> ModelPricing {
        ModelPricing(input: .zero, output: .zero, images: images)
    }

    /// The long-context tier for a prompt of `promptTokens`, if any applies.
    public func tier(forPromptTokens promptTokens: Int) -> LongContextTier? {
        longContextTiers
            .filter { promptTokens > $0.aboveTokens }
            .max { $0.aboveTokens < $1.aboveTokens }
    }

    /// The token prices that apply to a prompt of `promptTokens`, with every fallback resolved:
    /// the tier's prices (when the prompt is above its threshold) over the base prices, then
    /// cachedRead → input, cacheWrite5m → input, cacheWrite1h → cacheWrite5m → input,
    /// audioInput → input (a tier does not change the audio price).
    public func effectivePrices(promptTokens: Int) -> EffectiveTokenPrices {
        var input = self.input
        var output = self.output
        var cachedRead = self.cachedRead
        var write5m = self.cacheWrite5m
        var write1h = self.cacheWrite1h
        if let tier = tier(forPromptTokens: promptTokens) {
            input = tier.input
            output = tier.output
            cachedRead = tier.cachedRead ?? cachedRead
            write5m = tier.cacheWrite5m ?? write5m
            write1h = tier.cacheWrite1h ?? write1h
        }
        let resolved5m = write5m ?? input
        return EffectiveTokenPrices(input: input, output: output, cachedRead: cachedRead ?? input,
                                    cacheWrite5m: resolved5m, cacheWrite1h: write1h ?? resolved5m,
                                    audioInput: audioInput ?? input)
    }

    /// input + output per 1M tokens: the price used to compare and sort models (as the original did).
    public var comparablePrice: Int64 { input.microUSDPerMillion + output.microUSDPerMillion }
}

/// Resolved token prices for one request (no optionals left).
public struct EffectiveTokenPrices: Sendable, Hashable {
    public var input: TokenPrice
    public var output: TokenPrice
    public var cachedRead: TokenPrice
    public var cacheWrite5m: TokenPrice
    public var cacheWrite1h: TokenPrice
    public var audioInput: TokenPrice
}
