/// Prices a usage record: provider cost per component, then credits with margin, rounded once.
///
/// ```swift
/// let usage = TokenUsage(promptTokens: 2_000, completionTokens: 1_000)
/// let sonnet = ModelPricing(usdPerMillionInput: "3", output: "15")
/// CreditCalculator.cost(usage: usage, pricing: sonnet, margin: .default).credits  // 3.36
/// ```
public enum CreditCalculator {
    /// Credits = picodollars × (10,000 + margin bps) / 10,000 / 10,000, rounded half-up once.
    /// (1 µcr = 10,000 pUSD, so the second division converts to micro-credits.)
    public static func credits(for cost: Picodollars, margin: Margin) -> MicroCredits {
        MicroCredits(rawValue: CheckedMath.multiplyDivideRounded(
            cost.rawValue, margin.multiplierBps, 10_000 * Picodollars.picodollarsPerMicroCredit))
    }

    /// The provider cost of each component of `usage` under `pricing`, before margin.
    ///
    /// - Uncached input (`uncachedPromptTokens`) at the input price, its audio part
    ///   (`uncachedAudioPromptTokens`) at the audio input price; cached reads at the cached-read
    ///   price; cache writes at the 5m / 1h prices (fallbacks in `ModelPricing.effectivePrices`).
    /// - All completion tokens (reasoning included, counted once) at the output price.
    /// - The long-context tier is chosen by `promptTokens` and applies to every token.
    /// - Request fees: one per `requestCount` at the search-context-size fee.
    /// - Web searches: `webSearchRequests` × `perWebSearch`.
    /// - Images: `imageCount` × the price for the requested size/quality.
    /// Negative counts are treated as zero.
    public static func components(usage: TokenUsage, pricing: ModelPricing) -> CostComponents {
        let prompt = max(0, usage.promptTokens)
        let prices = pricing.effectivePrices(promptTokens: prompt)
        let clean = { (value: Int) in max(0, value) }
        var parts = CostComponents()
        let audio = usage.uncachedAudioPromptTokens
        parts.input = prices.input.cost(tokens: usage.uncachedPromptTokens - audio)
        parts.audioInput = prices.audioInput.cost(tokens: audio)
        parts.cachedRead = prices.cachedRead.cost(tokens: clean(usage.cachedReadTokens))
        parts.cacheWrite5m = prices.cacheWrite5m.cost(tokens: clean(usage.cacheWrite5mTokens))
        parts.cacheWrite1h = prices.cacheWrite1h.cost(tokens: clean(usage.cacheWrite1hTokens))
        parts.output = prices.output.cost(tokens: clean(usage.completionTokens))
        if let fees = pricing.requestFees {
            parts.requestFees = fees.fee(for: usage.searchContextSize).multiplied(by: Int64(clean(usage.requestCount)))
        }
        if let perSearch = pricing.perWebSearch {
            parts.webSearch = perSearch.multiplied(by: Int64(clean(usage.webSearchRequests)))
        }
        if let images = pricing.images, usage.imageCount > 0 {
            let each = images.price(size: usage.imageSize, quality: usage.imageQuality) ?? images.maximumListedPrice
            parts.images = each.multiplied(by: Int64(usage.imageCount))
        }
        return parts
    }

    /// The full breakdown for one request.
    public static func cost(usage: TokenUsage, pricing: ModelPricing, margin: Margin = .default) -> CostBreakdown {
        let parts = components(usage: usage, pricing: pricing)
        return CostBreakdown(baseCost: parts.total, margin: margin, components: parts,
                             longContextTierAbove: pricing.tier(forPromptTokens: max(0, usage.promptTokens))?.aboveTokens)
    }

    /// A breakdown for an externally supplied base cost (the original's `mirror_factory.base_cost_usd`).
    public static func cost(baseCost: Picodollars, margin: Margin = .default) -> CostBreakdown {
        CostBreakdown(baseCost: baseCost, margin: margin)
    }

    /// Inverse conversion for display: the provider cost that `credits` pays for at `margin`
    /// (credits × $0.01 / (1 + margin)), rounded half-up to the picodollar.
    public static func baseCost(of credits: MicroCredits, margin: Margin = .default) -> Picodollars {
        Picodollars(rawValue: CheckedMath.multiplyDivideRounded(
            credits.rawValue, 10_000 * Picodollars.picodollarsPerMicroCredit, margin.multiplierBps))
    }
}
