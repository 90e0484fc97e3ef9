import XCTest
import LayersCredits

/// Hand-computed vectors. Units: 1 token x (µUSD per 1M) = 1 pUSD; 1 µcr = 10,000 pUSD;
/// credits at 60% = pUSD x 16,000 / 100,000,000.
final class CreditCalculatorTests: XCTestCase {
    private let sonnet = ModelPricing(usdPerMillionInput: "3", output: "15", cachedRead: "0.30",
                                      cacheWrite5m: "3.75", cacheWrite1h: "6")
    private let sonnetLong = ModelPricing(
        usdPerMillionInput: "3", output: "15", cachedRead: "0.30", cacheWrite5m: "3.75", cacheWrite1h: "6",
        longContextTiers: [LongContextTier(aboveTokens: 200_000, input: TokenPrice(usdPerMillion: "6"),
                                           output: TokenPrice(usdPerMillion: "22.50"),
                                           cachedRead: TokenPrice(usdPerMillion: "0.60"),
                                           cacheWrite5m: TokenPrice(usdPerMillion: "7.50"),
                                           cacheWrite1h: TokenPrice(usdPerMillion: "12"))])
    private let sonar = ModelPricing(usdPerMillionInput: "1", output: "1",
                                     requestFees: RequestFees(usdPerThousand: "5", "8", "12"))

    /// The README check: claude-sonnet-4.5, 2,000 in + 1,000 out = $0.021 = 3.36 credits.
    func testSonnetReadmeExample() {
        let usage = TokenUsage(promptTokens: 2_000, completionTokens: 1_000)
        let result = CreditCalculator.cost(usage: usage, pricing: sonnet, margin: .default)
        XCTAssertEqual(result.baseCost, Picodollars(rawValue: 21_000_000_000))
        XCTAssertEqual(result.baseCost.decimalUSDString, "0.021")
        XCTAssertEqual(result.credits, MicroCredits(rawValue: 3_360_000))
        XCTAssertEqual(result.credits.decimalString, "3.36")
        XCTAssertEqual(result.creditsBeforeMargin.decimalString, "2.1")
        XCTAssertEqual(result.marginCredits.decimalString, "1.26")
        XCTAssertEqual(result.totalCostUSD.decimalUSDString, "0.0336")
        XCTAssertEqual(result.components.input.rawValue, 6_000_000_000)
        XCTAssertEqual(result.components.output.rawValue, 15_000_000_000)
        XCTAssertNil(result.longContextTierAbove)
    }

    func testCostBreakdownFieldsAreOriginalNamesWithExactNumbers() {
        let result = CreditCalculator.cost(usage: TokenUsage(promptTokens: 2_000, completionTokens: 1_000),
                                           pricing: sonnet)
        XCTAssertEqual(result.fields.map(\.0), CostBreakdown.fieldNames)
        XCTAssertEqual(result.fields.map(\.1), ["0.021", "60", "0.0336", "2.1", "1.26"])
        XCTAssertEqual(result.jsonObjectText,
                       #"{"base_cost_usd":0.021,"margin_percent":60,"total_cost_usd":0.0336,"credits_before_margin":2.1,"margin_credits":1.26}"#)
    }

    /// The original's helper tests: Haiku 1K in + 1K out = $0.006 -> 0.96 credits (60%), 1.2 (100%), 0.6 (0%).
    func testMarginOverrides() {
        let haiku = ModelPricing(usdPerMillionInput: "1", output: "5")
        let usage = TokenUsage(promptTokens: 1_000, completionTokens: 1_000)
        XCTAssertEqual(CreditCalculator.cost(usage: usage, pricing: haiku).credits.decimalString, "0.96")
        XCTAssertEqual(CreditCalculator.cost(usage: usage, pricing: haiku, margin: Margin(percent: 100)).credits.decimalString, "1.2")
        let zero = CreditCalculator.cost(usage: usage, pricing: haiku, margin: .zero)
        XCTAssertEqual(zero.credits.decimalString, "0.6")
        XCTAssertEqual(zero.marginCredits, .zero)
        XCTAssertEqual(zero.fields[1].1, "0")
        // Sonnet example at 62.5%: 2.1 x 1.625 = 3.4125 credits.
        let odd = CreditCalculator.cost(usage: TokenUsage(promptTokens: 2_000, completionTokens: 1_000),
                                        pricing: sonnet, margin: Margin(bps: 6_250))
        XCTAssertEqual(odd.credits.decimalString, "3.4125")
        XCTAssertEqual(odd.fields[1].1, "62.5")
        XCTAssertEqual(odd.totalCostUSD.decimalUSDString, "0.034125")
    }

    /// 10,000 prompt tokens of which 8,000 are cache reads, 500 output:
    /// 2,000 x 3 + 8,000 x 0.30 + 500 x 15 = 6.0e9 + 2.4e9 + 7.5e9 = 15.9e9 pUSD = $0.0159 -> 2.544 credits.
    func testCachedReadTokens() {
        let usage = TokenUsage(promptTokens: 10_000, cachedReadTokens: 8_000, completionTokens: 500)
        XCTAssertEqual(usage.uncachedPromptTokens, 2_000)
        let result = CreditCalculator.cost(usage: usage, pricing: sonnet)
        XCTAssertEqual(result.components.input.rawValue, 6_000_000_000)
        XCTAssertEqual(result.components.cachedRead.rawValue, 2_400_000_000)
        XCTAssertEqual(result.baseCost.decimalUSDString, "0.0159")
        XCTAssertEqual(result.credits.decimalString, "2.544")
    }

    /// 10,000 prompt tokens: 3,000 cache reads, 4,000 5-minute writes, 1,000 1-hour writes, 2,000 plain:
    /// 2,000 x 3 + 3,000 x 0.30 + 4,000 x 3.75 + 1,000 x 6 = 6e9 + 0.9e9 + 15e9 + 6e9 = 27.9e9 -> 4.464 credits.
    func testCacheWrites5mAnd1h() {
        let usage = TokenUsage(promptTokens: 10_000, cachedReadTokens: 3_000, cacheWrite5mTokens: 4_000,
                               cacheWrite1hTokens: 1_000)
        let result = CreditCalculator.cost(usage: usage, pricing: sonnet)
        XCTAssertEqual(result.components.cacheWrite5m.rawValue, 15_000_000_000)
        XCTAssertEqual(result.components.cacheWrite1h.rawValue, 6_000_000_000)
        XCTAssertEqual(result.baseCost.decimalUSDString, "0.0279")
        XCTAssertEqual(result.credits.decimalString, "4.464")
    }

    /// Gemini 2.5 Flash ($0.30 text / $1.00 audio in, $0.03 cached, $2.50 out): 10,000 prompt tokens
    /// of which 4,000 are audio and 2,000 cached, 1,000 out:
    /// 4,000 x 0.30 + 4,000 x 1.00 + 2,000 x 0.03 + 1,000 x 2.50 = 1.2e9 + 4e9 + 0.06e9 + 2.5e9
    /// = 7.76e9 pUSD = $0.00776 -> x 16,000 / 1e8 = 1,241,600 µcr = 1.2416 credits.
    func testAudioInputTokens() {
        let flash = ModelPricing(usdPerMillionInput: "0.30", output: "2.50", cachedRead: "0.03", audioInput: "1")
        let usage = TokenUsage(promptTokens: 10_000, cachedReadTokens: 2_000, audioPromptTokens: 4_000,
                               completionTokens: 1_000)
        let result = CreditCalculator.cost(usage: usage, pricing: flash)
        XCTAssertEqual(result.components.input.rawValue, 1_200_000_000)
        XCTAssertEqual(result.components.audioInput.rawValue, 4_000_000_000)
        XCTAssertEqual(result.components.cachedRead.rawValue, 60_000_000)
        XCTAssertEqual(result.baseCost.decimalUSDString, "0.00776")
        XCTAssertEqual(result.credits.decimalString, "1.2416")
        // Without an audio price, audio tokens are plain input: 8,000 x 0.30 + ... = 2.4e9 + 0.06e9 + 2.5e9.
        let textOnly = ModelPricing(usdPerMillionInput: "0.30", output: "2.50", cachedRead: "0.03")
        XCTAssertEqual(CreditCalculator.cost(usage: usage, pricing: textOnly).baseCost.rawValue, 4_960_000_000)
        // More audio than uncached input (a provider counting cached audio too) is capped: no double billing.
        let capped = TokenUsage(promptTokens: 1_000, cachedReadTokens: 600, audioPromptTokens: 900)
        XCTAssertEqual(capped.uncachedAudioPromptTokens, 400)
        let parts = CreditCalculator.components(usage: capped, pricing: flash)
        XCTAssertEqual(parts.input, .zero)
        XCTAssertEqual(parts.audioInput.rawValue, 400_000_000)
        XCTAssertEqual(TokenUsage(promptTokens: 10, audioPromptTokens: -5).uncachedAudioPromptTokens, 0)
    }

    func testCachePriceFallbacks() {
        // No cache prices at all (Perplexity-like): every input token at the input price.
        let plain = ModelPricing(usdPerMillionInput: "2", output: "4")
        let usage = TokenUsage(promptTokens: 4_000, cachedReadTokens: 1_000, cacheWrite5mTokens: 1_000,
                               cacheWrite1hTokens: 1_000)
        let flat = CreditCalculator.cost(usage: usage, pricing: plain)
        XCTAssertEqual(flat.baseCost.rawValue, 8_000_000_000, "4,000 x $2/1M")
        // 1h falls back to 5m when only 5m is published.
        let only5m = ModelPricing(usdPerMillionInput: "1", output: "2", cacheWrite5m: "1.25")
        let write1h = CreditCalculator.components(usage: TokenUsage(promptTokens: 1_000, cacheWrite1hTokens: 1_000),
                                                  pricing: only5m)
        XCTAssertEqual(write1h.cacheWrite1h.rawValue, 1_250_000_000)
        XCTAssertEqual(write1h.input, .zero)
        // Cache tokens above promptTokens never make the plain input negative.
        XCTAssertEqual(TokenUsage(promptTokens: 10, cachedReadTokens: 50).uncachedPromptTokens, 0)
    }

    /// Above 200K prompt tokens every token bills at the long-context rates:
    /// 250,000 x 6 + 1,000 x 22.50 = 1.5e12 + 2.25e10 = 1.5225e12 pUSD = $1.5225 -> 243.6 credits.
    func testLongContextTier() {
        let long = CreditCalculator.cost(usage: TokenUsage(promptTokens: 250_000, completionTokens: 1_000),
                                         pricing: sonnetLong)
        XCTAssertEqual(long.baseCost.decimalUSDString, "1.5225")
        XCTAssertEqual(long.credits.decimalString, "243.6")
        XCTAssertEqual(long.longContextTierAbove, 200_000)
        // Exactly at the threshold: base prices. 200,000 x 3 + 1,000 x 15 = 6.15e11 -> $0.615 -> 98.4 credits.
        let edge = CreditCalculator.cost(usage: TokenUsage(promptTokens: 200_000, completionTokens: 1_000),
                                         pricing: sonnetLong)
        XCTAssertEqual(edge.baseCost.decimalUSDString, "0.615")
        XCTAssertEqual(edge.credits.decimalString, "98.4")
        XCTAssertNil(edge.longContextTierAbove)
        // The tier is chosen by ALL prompt tokens, cached ones included, and cached tokens use the tier's
        // cached price: 200,001 plain x 6 + 100,000 cached x 0.60 = 1,200,006e6 + 60e9 = 1.260006e12.
        let cached = CreditCalculator.cost(usage: TokenUsage(promptTokens: 300_001, cachedReadTokens: 100_000),
                                           pricing: sonnetLong)
        XCTAssertEqual(cached.baseCost.rawValue, 1_260_006_000_000)
        XCTAssertEqual(cached.components.cachedRead.rawValue, 60_000_000_000)
    }

    func testHighestMatchingTierWinsAndMissingTierPricesKeepBase() {
        let pricing = ModelPricing(
            usdPerMillionInput: "1", output: "2", cachedRead: "0.1",
            longContextTiers: [
                LongContextTier(aboveTokens: 500_000, input: TokenPrice(usdPerMillion: "4"), output: TokenPrice(usdPerMillion: "8")),
                LongContextTier(aboveTokens: 100_000, input: TokenPrice(usdPerMillion: "2"), output: TokenPrice(usdPerMillion: "4")),
            ])
        XCTAssertEqual(pricing.tier(forPromptTokens: 100_001)?.aboveTokens, 100_000)
        XCTAssertEqual(pricing.tier(forPromptTokens: 600_000)?.aboveTokens, 500_000)
        XCTAssertNil(pricing.tier(forPromptTokens: 100_000))
        let prices = pricing.effectivePrices(promptTokens: 600_000)
        XCTAssertEqual(prices.input, TokenPrice(usdPerMillion: "4"))
        XCTAssertEqual(prices.cachedRead, TokenPrice(usdPerMillion: "0.1"), "tier without cached price keeps the base one")
        XCTAssertEqual(prices.cacheWrite5m, TokenPrice(usdPerMillion: "4"), "no write price: tier input")
    }

    /// Reasoning tokens are inside completionTokens: billed once, as output.
    func testReasoningTokensBillAsOutputOnce() {
        let pricing = ModelPricing(usdPerMillionInput: "1.25", output: "10")
        let withReasoning = TokenUsage(promptTokens: 1_000, completionTokens: 3_000, reasoningTokens: 2_500)
        let without = TokenUsage(promptTokens: 1_000, completionTokens: 3_000)
        let a = CreditCalculator.cost(usage: withReasoning, pricing: pricing)
        XCTAssertEqual(a, CreditCalculator.cost(usage: without, pricing: pricing))
        // 1,000 x 1.25 + 3,000 x 10 = 1.25e9 + 30e9 = 31.25e9 pUSD -> 5 credits.
        XCTAssertEqual(a.baseCost.rawValue, 31_250_000_000)
        XCTAssertEqual(a.credits.decimalString, "5")
        XCTAssertEqual(withReasoning.visibleCompletionTokens, 500)
    }

    /// Sonar, 1,000 in + 1,000 out = 2e9 pUSD, plus a request fee ($5/$8/$12 per 1K requests).
    func testPerplexityRequestFees() {
        func credits(_ size: SearchContextSize?, requests: Int = 1) -> String {
            CreditCalculator.cost(usage: TokenUsage(promptTokens: 1_000, completionTokens: 1_000,
                                                    searchContextSize: size, requestCount: requests),
                                  pricing: sonar).credits.decimalString
        }
        XCTAssertEqual(credits(.low), "1.12")      // (2e9 + 5e9) x 16e3 / 1e8
        XCTAssertEqual(credits(.medium), "1.6")    // (2e9 + 8e9)
        XCTAssertEqual(credits(.high), "2.24")     // (2e9 + 12e9)
        XCTAssertEqual(credits(nil), "1.12", "default context size is low")
        XCTAssertEqual(credits(.high, requests: 3), "6.08", "fee per upstream call")
        XCTAssertEqual(credits(.high, requests: 0), "0.32", "no call, no fee")
        XCTAssertEqual(RequestFees(usdPerThousand: "5", "8", "12").medium.rawValue, 8_000_000_000)
    }

    func testWebSearchFees() {
        let pricing = ModelPricing(usdPerMillionInput: "3", output: "15", perWebSearch: Picodollars(usd: "0.01"))
        let result = CreditCalculator.cost(usage: TokenUsage(webSearchRequests: 2), pricing: pricing)
        XCTAssertEqual(result.components.webSearch.decimalUSDString, "0.02")
        XCTAssertEqual(result.credits.decimalString, "3.2")
    }

    func testImagesFlatSizedAndMegapixel() {
        let imagen = ModelPricing.imageOnly(.flat(Picodollars(usd: "0.04")))
        XCTAssertEqual(CreditCalculator.cost(usage: TokenUsage(imageCount: 2), pricing: imagen).credits.decimalString, "12.8")

        let dalle = ModelPricing.imageOnly(ImagePricing(
            sizes: [ImageSizePrice(size: "1024x1024", quality: "standard", price: Picodollars(usd: "0.04")),
                    ImageSizePrice(size: "1792x1024", quality: "standard", price: Picodollars(usd: "0.08")),
                    ImageSizePrice(size: "1024x1024", quality: "hd", price: Picodollars(usd: "0.08")),
                    ImageSizePrice(size: "1792x1024", quality: "hd", price: Picodollars(usd: "0.12"))],
            defaultSize: "1024x1024", defaultQuality: "standard"))
        func dalleCredits(_ size: String?, _ quality: String?) -> String {
            CreditCalculator.cost(usage: TokenUsage(imageCount: 1, imageSize: size, imageQuality: quality),
                                  pricing: dalle).credits.decimalString
        }
        XCTAssertEqual(dalleCredits("1792x1024", "hd"), "19.2")
        XCTAssertEqual(dalleCredits("1792X1024", "HD"), "19.2", "case-insensitive")
        XCTAssertEqual(dalleCredits(nil, nil), "6.4", "defaults: 1024x1024 standard")
        XCTAssertEqual(dalleCredits("auto", "auto"), "6.4", "auto means the defaults")
        XCTAssertEqual(dalleCredits("512x512", nil), "19.2", "an unlisted size bills the highest listed price")
        XCTAssertFalse(dalle.images!.supports(size: "512x512"))
        XCTAssertTrue(dalle.images!.supports(size: "1792x1024"))

        // FLUX.2 [pro]: $0.03 first megapixel + $0.015 per further started megapixel (1 MP = 1024x1024).
        let flux = ModelPricing.imageOnly(ImagePricing(perMegapixel: Picodollars(usd: "0.03"),
                                                       perAdditionalMegapixel: Picodollars(usd: "0.015"),
                                                       defaultSize: "1024x1024"))
        func fluxUSD(_ size: String?) -> String {
            flux.images!.price(size: size, quality: nil)!.decimalUSDString
        }
        XCTAssertEqual(fluxUSD("1024x1024"), "0.03")
        XCTAssertEqual(fluxUSD("512x512"), "0.03")
        XCTAssertEqual(fluxUSD("1440x1440"), "0.045", "1.98 MP bills as 2 MP, like BFL's cost field")
        XCTAssertEqual(fluxUSD("2048x2048"), "0.075", "4 MP")
        XCTAssertEqual(fluxUSD(nil), "0.03")
        XCTAssertEqual(fluxUSD("16:9"), "0.03", "a non-WxH size prices the first megapixel")
        XCTAssertEqual(CreditCalculator.cost(usage: TokenUsage(imageCount: 3, imageSize: "2048x2048"), pricing: flux)
                        .credits.decimalString, "36", "3 x $0.075 x 160")
    }

    /// Rounding happens once, on the total: two components worth 0.5 µcr each give 1 µcr, not 2.
    func testRoundingHalfUpOnce() {
        let tiny = ModelPricing(input: TokenPrice(microUSDPerMillion: 1), output: TokenPrice(microUSDPerMillion: 1))
        // 3,125 pUSD x 16,000 / 1e8 = 0.5 µcr per component.
        let result = CreditCalculator.cost(usage: TokenUsage(promptTokens: 3_125, completionTokens: 3_125), pricing: tiny)
        XCTAssertEqual(result.baseCost.rawValue, 6_250)
        XCTAssertEqual(result.credits.rawValue, 1)
        // Exactly half rounds up; just below half rounds down.
        XCTAssertEqual(CreditCalculator.credits(for: Picodollars(rawValue: 9_375), margin: .default).rawValue, 2) // 1.5
        XCTAssertEqual(CreditCalculator.credits(for: Picodollars(rawValue: 9_374), margin: .default).rawValue, 1) // 1.49984
        XCTAssertEqual(CreditCalculator.credits(for: Picodollars(rawValue: 3_124), margin: .default).rawValue, 0) // 0.49984
        XCTAssertEqual(CreditCalculator.credits(for: Picodollars(rawValue: 3_125), margin: .default).rawValue, 1) // 0.5
        // The displayed parts always add up to the charge.
        XCTAssertEqual(result.creditsBeforeMargin + result.marginCredits, result.credits)
    }

    func testZeroUsageCostsNothing() {
        for pricing in [sonnet, sonar, ModelPricing.imageOnly(.flat(Picodollars(usd: "0.04")))] {
            let result = CreditCalculator.cost(usage: .zero, pricing: pricing)
            XCTAssertEqual(result.baseCost, .zero)
            XCTAssertEqual(result.credits, .zero)
            XCTAssertEqual(result.fields.map(\.1), ["0", "60", "0", "0", "0"])
        }
    }

    func testNegativeCountsAreIgnored() {
        let usage = TokenUsage(promptTokens: -5, cachedReadTokens: -1, completionTokens: -10, webSearchRequests: -1,
                               imageCount: -2, requestCount: -1)
        XCTAssertEqual(CreditCalculator.cost(usage: usage, pricing: sonar).credits, .zero)
    }

    /// 1e9 prompt tokens at $15/1M + 1e8 output tokens at $120/1M = $15,000 + $12,000 = 2.7e16 pUSD
    /// -> 4,320,000 credits, with no overflow.
    func testLargeNumbersWithoutOverflow() {
        let pro = ModelPricing(usdPerMillionInput: "15", output: "120")
        let result = CreditCalculator.cost(usage: TokenUsage(promptTokens: 1_000_000_000, completionTokens: 100_000_000),
                                           pricing: pro)
        XCTAssertEqual(result.baseCost.decimalUSDString, "27000")
        XCTAssertEqual(result.credits.decimalString, "4320000")
        XCTAssertEqual(result.totalCostUSD.decimalUSDString, "43200")
        // Absurd counts saturate instead of trapping.
        let huge = CreditCalculator.cost(usage: TokenUsage(promptTokens: .max, completionTokens: .max), pricing: pro)
        XCTAssertEqual(huge.baseCost.rawValue, .max)
        XCTAssertEqual(huge.credits.rawValue, 1_475_739_525_896_764) // Int64.max x 16,000 / 1e8, rounded half-up
        XCTAssertEqual(huge.totalCostUSD.rawValue, .max)
    }

    func testExternalBaseCostAndInverse() {
        let external = CreditCalculator.cost(baseCost: Picodollars(usd: "0.0105"))
        XCTAssertEqual(external.credits.decimalString, "1.68")
        XCTAssertEqual(external.creditsBeforeMargin.decimalString, "1.05")
        XCTAssertEqual(external.marginCredits.decimalString, "0.63")
        XCTAssertEqual(CreditCalculator.baseCost(of: MicroCredits(rawValue: 3_360_000)).decimalUSDString, "0.021")
        XCTAssertEqual(CreditCalculator.baseCost(of: MicroCredits(credits: 1)).decimalUSDString, "0.00625",
                       "the original's creditsToUsd")
    }
}
