import XCTest
import LayersCredits

final class CreditCalculatorTests: XCTestCase {
    private let sonnet = ModelPricing(usdPerMillionInput: "3", output: "15", cachedRead: "0.30",
                                      cacheWrite5m: "3.75", cacheWrite1h: "6")

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
    }
}
