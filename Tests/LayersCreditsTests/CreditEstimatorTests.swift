import XCTest
import LayersCredits

final class CreditEstimatorTests: XCTestCase {
    private let sonnet = ModelPricing(usdPerMillionInput: "3", output: "15")

    func testPromptTokensFromBytesRoundUp() {
        let estimator = CreditEstimator.standard
        XCTAssertEqual(estimator.promptTokens(forBytes: 0), 0)
        XCTAssertEqual(estimator.promptTokens(forBytes: 1), 1)
        XCTAssertEqual(estimator.promptTokens(forBytes: 4), 1)
        XCTAssertEqual(estimator.promptTokens(forBytes: 5), 2)
        XCTAssertEqual(estimator.promptTokens(forBytes: 8_000), 2_000)
        XCTAssertEqual(estimator.promptTokens(forBytes: -3), 0)
        XCTAssertEqual(CreditEstimator(bytesPerToken: 3).promptTokens(forBytes: 10), 4)
    }

    /// 8,000 bytes = 2,000 tokens; max_tokens 1,000 -> the README example, 3.36 credits.
    func testEstimateWithExplicitMaxTokens() {
        let estimate = CreditEstimator.estimate(promptBytes: 8_000, maxOutputTokens: 1_000, pricing: sonnet,
                                                defaultMaxOutputTokens: 64_000, margin: .default)
        XCTAssertEqual(estimate.decimalString, "3.36")
    }

    /// Without max_tokens: min(model default, 4,096). 2,000 x 3 + 4,096 x 15 = 6e9 + 61.44e9 = 67.44e9 -> 10.7904.
    func testEstimateWithoutMaxTokensUsesCappedModelDefault() {
        let estimator = CreditEstimator.standard
        XCTAssertEqual(estimator.outputTokens(maxOutputTokens: nil, defaultMaxOutputTokens: 64_000), 4_096)
        XCTAssertEqual(estimator.outputTokens(maxOutputTokens: nil, defaultMaxOutputTokens: 1_000), 1_000)
        XCTAssertEqual(estimator.outputTokens(maxOutputTokens: nil, defaultMaxOutputTokens: nil), 4_096)
        XCTAssertEqual(estimator.outputTokens(maxOutputTokens: 50_000, defaultMaxOutputTokens: 8_000), 50_000,
                       "an explicit max_tokens is taken as asked")
        let estimate = estimator.estimate(promptBytes: 8_000, maxOutputTokens: nil, pricing: sonnet,
                                          defaultMaxOutputTokens: 64_000)
        XCTAssertEqual(estimate.decimalString, "10.7904")
        let generous = CreditEstimator(unspecifiedOutputTokens: 8_192)
        XCTAssertEqual(generous.outputTokens(maxOutputTokens: nil, defaultMaxOutputTokens: 64_000), 8_192)
    }

    /// A 1 MB prompt (250,000 tokens) estimates at the long-context tier: 250,000 x 6 + 100 x 22.5 = 1.50225e12.
    func testEstimateUsesLongContextTierAndRequestFee() {
        let tiered = ModelPricing(
            usdPerMillionInput: "3", output: "15",
            longContextTiers: [LongContextTier(aboveTokens: 200_000, input: TokenPrice(usdPerMillion: "6"),
                                               output: TokenPrice(usdPerMillion: "22.50"))])
        let estimate = CreditEstimator.standard.estimate(promptBytes: 1_000_000, maxOutputTokens: 100,
                                                         pricing: tiered, defaultMaxOutputTokens: nil)
        XCTAssertEqual(estimate.decimalString, "240.36")
        let sonar = ModelPricing(usdPerMillionInput: "1", output: "1",
                                 requestFees: RequestFees(usdPerThousand: "5", "8", "12"))
        let withFee = CreditEstimator.standard.estimate(promptBytes: 4_000, maxOutputTokens: 1_000, pricing: sonar,
                                                        defaultMaxOutputTokens: nil, searchContextSize: .high)
        XCTAssertEqual(withFee.decimalString, "2.24")
    }

    func testImageEstimate() {
        let imagen = ModelPricing.imageOnly(.flat(Picodollars(usd: "0.04")))
        XCTAssertEqual(CreditEstimator.standard.estimateImages(count: 2, size: nil, quality: nil, pricing: imagen)
                        .decimalString, "12.8")
        XCTAssertEqual(CreditEstimator.standard.estimateImages(count: 0, size: nil, quality: nil, pricing: imagen), .zero)
    }

    /// gpt-5-pro with max_tokens 100,000: 100,000 x $120/1M = $12 -> 1,920 credits, over the 100-credit cap.
    func testPerRequestCap() {
        let pro = ModelPricing(usdPerMillionInput: "15", output: "120")
        let estimator = CreditEstimator.standard
        XCTAssertEqual(estimator.maxCreditsPerRequest, MicroCredits(credits: 100))
        let refused = estimator.preflight(promptBytes: 0, maxOutputTokens: 100_000, pricing: pro,
                                          defaultMaxOutputTokens: 272_000)
        XCTAssertEqual(refused, .exceedsCap(estimate: MicroCredits(credits: 1_920), cap: MicroCredits(credits: 100)))
        XCTAssertFalse(refused.isAllowed)
        XCTAssertEqual(refused.estimate.decimalString, "1920")

        let allowed = estimator.preflight(promptBytes: 8_000, maxOutputTokens: 1_000, pricing: sonnet,
                                          defaultMaxOutputTokens: nil)
        XCTAssertEqual(allowed, .allowed(estimate: MicroCredits(rawValue: 3_360_000)))
        XCTAssertTrue(allowed.isAllowed)

        // The cap is inclusive and configurable.
        let strict = CreditEstimator(maxCreditsPerRequest: MicroCredits(decimalString: "3.36")!)
        XCTAssertTrue(strict.check(MicroCredits(rawValue: 3_360_000)).isAllowed)
        XCTAssertFalse(strict.check(MicroCredits(rawValue: 3_360_001)).isAllowed)
    }
}
