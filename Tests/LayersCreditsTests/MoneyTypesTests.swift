import Foundation
import XCTest
import LayersCredits

final class MoneyTypesTests: XCTestCase {
    func testMicroCreditsDecimalRendering() {
        XCTAssertEqual(MicroCredits(rawValue: 3_360_000).decimalString, "3.36")
        XCTAssertEqual(MicroCredits(rawValue: 125).decimalString, "0.000125")
        XCTAssertEqual(MicroCredits(rawValue: 1).decimalString, "0.000001")
        XCTAssertEqual(MicroCredits(rawValue: 0).decimalString, "0")
        XCTAssertEqual(MicroCredits(credits: 50).decimalString, "50")
        XCTAssertEqual(MicroCredits(rawValue: -1_500_000).decimalString, "-1.5")
        XCTAssertEqual(MicroCredits(rawValue: -125).decimalString, "-0.000125")
        XCTAssertEqual(MicroCredits(rawValue: .max).decimalString, "9223372036854.775807")
        XCTAssertEqual(MicroCredits(rawValue: .min).decimalString, "-9223372036854.775808")
        XCTAssertEqual(MicroCredits(rawValue: 10_000_000).description, "10")
    }

    func testMicroCreditsParsingIsExact() {
        XCTAssertEqual(MicroCredits(decimalString: "3.36")?.rawValue, 3_360_000)
        XCTAssertEqual(MicroCredits(decimalString: "0.000125")?.rawValue, 125)
        XCTAssertEqual(MicroCredits(decimalString: "50")?.rawValue, 50_000_000)
        XCTAssertEqual(MicroCredits(decimalString: "-0.5")?.rawValue, -500_000)
        XCTAssertEqual(MicroCredits(decimalString: "+2")?.rawValue, 2_000_000)
        XCTAssertEqual(MicroCredits(decimalString: "1.500000000")?.rawValue, 1_500_000, "trailing zeros are exact")
        XCTAssertEqual(MicroCredits(decimalString: "9223372036854.775807")?.rawValue, .max)
        XCTAssertEqual(MicroCredits(decimalString: "-9223372036854.775808")?.rawValue, .min)
        for bad in ["", "abc", ".5", "5.", "1e3", "--1", "1.2.3", " 1", "1,5", "0.0000001", "9223372036854.775808", "-"] {
            XCTAssertNil(MicroCredits(decimalString: bad), "should reject \(bad.debugDescription)")
        }
    }

    func testMicroCreditsRoundTripAndArithmetic() {
        for raw: Int64 in [0, 1, 9, 10, 999_999, 1_000_000, 1_000_001, 3_360_000, 123_456_789_012, -42] {
            let value = MicroCredits(rawValue: raw)
            XCTAssertEqual(MicroCredits(decimalString: value.decimalString), value)
        }
        let a = MicroCredits(credits: 2), b = MicroCredits(rawValue: 500_000)
        XCTAssertEqual((a + b).decimalString, "2.5")
        XCTAssertEqual((a - b).decimalString, "1.5")
        XCTAssertTrue(b < a)
        XCTAssertEqual(MicroCredits.zero.rawValue, 0)
        XCTAssertEqual(b.multiplied(by: 3).decimalString, "1.5")
        XCTAssertEqual(MicroCredits(rawValue: .max).multiplied(by: 2).rawValue, .max, "saturates")
        XCTAssertEqual(MicroCredits.perCredit, 1_000_000)
    }

    func testCodableUsesRawIntegers() throws {
        let encoded = try JSONEncoder().encode(MicroCredits(rawValue: 3_360_000))
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "3360000")
        XCTAssertEqual(try JSONDecoder().decode(MicroCredits.self, from: Data("125".utf8)).rawValue, 125)
        let price = try JSONEncoder().encode(TokenPrice(usdPerMillion: "0.075"))
        XCTAssertEqual(String(decoding: price, as: UTF8.self), "75000")
        let cost = try JSONDecoder().decode(Picodollars.self, from: Data("21000000000".utf8))
        XCTAssertEqual(cost.decimalUSDString, "0.021")
        XCTAssertThrowsError(try JSONDecoder().decode(Margin.self, from: Data("-5".utf8)))
    }

    func testPicodollars() {
        XCTAssertEqual(Picodollars(usdString: "0.021")?.rawValue, 21_000_000_000)
        XCTAssertEqual(Picodollars(usd: "0.04").rawValue, 40_000_000_000)
        XCTAssertEqual(Picodollars(usd: "1").rawValue, Picodollars.perUSD)
        XCTAssertEqual(Picodollars(rawValue: 1).decimalUSDString, "0.000000000001")
        XCTAssertEqual(Picodollars(rawValue: 33_600_000_000).decimalUSDString, "0.0336")
        XCTAssertEqual(Picodollars(rawValue: 21_000_000_000).description, "$0.021")
        XCTAssertNil(Picodollars(usdString: "0.0000000000001"))
        XCTAssertNil(Picodollars(usdString: "ten"))
        // 1 µcr = 10,000 pUSD; the conversion rounds half-up.
        XCTAssertEqual(Picodollars(rawValue: 21_000_000_000).creditsBeforeMargin.decimalString, "2.1")
        XCTAssertEqual(Picodollars(rawValue: 4_999).creditsBeforeMargin.rawValue, 0)
        XCTAssertEqual(Picodollars(rawValue: 5_000).creditsBeforeMargin.rawValue, 1)
        XCTAssertEqual(Picodollars(rawValue: .max).saturatingAdding(Picodollars(rawValue: 1)).rawValue, .max)
    }

    func testTokenPrice() {
        XCTAssertEqual(TokenPrice(usdPerMillion: "3").microUSDPerMillion, 3_000_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "0.075").microUSDPerMillion, 75_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "22.50").microUSDPerMillion, 22_500_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "0.005").microUSDPerMillion, 5_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "0.075").usdPerMillionString, "0.075")
        XCTAssertEqual(TokenPrice(usdPerMillion: "3").description, "$3/1M")
        XCTAssertNil(TokenPrice(parsingUSDPerMillion: "-1"))
        XCTAssertNil(TokenPrice(parsingUSDPerMillion: "0.0000001"))
        XCTAssertNil(TokenPrice(parsingUSDPerMillion: "free"))
        // tokens x micro-USD per 1M = picodollars, exactly.
        XCTAssertEqual(TokenPrice(usdPerMillion: "3").cost(tokens: 2_000).rawValue, 6_000_000_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "0.075").cost(tokens: 1).rawValue, 75_000)
        XCTAssertEqual(TokenPrice(usdPerMillion: "120").cost(tokens: .max).rawValue, .max, "saturates")
        XCTAssertTrue(TokenPrice(usdPerMillion: "1") < TokenPrice(usdPerMillion: "1.000001"))
    }

    func testMargin() {
        XCTAssertEqual(Margin(percent: 60).bps, 6_000)
        XCTAssertEqual(Margin.default, Margin(percent: 60))
        XCTAssertEqual(Margin.default.percentString, "60")
        XCTAssertEqual(Margin.default.multiplierBps, 16_000)
        XCTAssertEqual(Margin(percentString: "62.5")?.bps, 6_250)
        XCTAssertEqual(Margin(percentString: "0")?.bps, 0)
        XCTAssertEqual(Margin(percentString: "200")?.bps, 20_000)
        XCTAssertNil(Margin(percentString: "200.01"), "above the 0-200% range")
        XCTAssertNil(Margin(percentString: "-1"))
        XCTAssertNil(Margin(percentString: "12.345"), "finer than a basis point")
        XCTAssertNil(Margin(validatingBps: 20_001))
        XCTAssertEqual(Margin(bps: 1_234).percentString, "12.34")
        XCTAssertEqual(Margin(bps: 6_250).description, "62.5%")
    }

    func testMarginPolicyPrecedence() {
        let policy = MarginPolicy(defaultMargin: Margin(percent: 60),
                                  modelOverrides: ["Anthropic/Claude-Opus-4.5": Margin(percent: 40)])
        XCTAssertEqual(policy.margin(for: "openai/gpt-4o"), Margin(percent: 60))
        XCTAssertEqual(policy.margin(for: "anthropic/claude-opus-4.5"), Margin(percent: 40), "case-insensitive")
        XCTAssertEqual(policy.margin(for: "anthropic/claude-opus-4.5", userMargin: Margin(percent: 30)),
                       Margin(percent: 30))
        XCTAssertEqual(policy.margin(for: "anthropic/claude-opus-4.5", userMargin: Margin(percent: 30),
                                     keyMargin: Margin(percent: 10)), Margin(percent: 10))
        XCTAssertEqual(MarginPolicy.standard.margin(for: "x/y"), .default)
    }
}

final class CodableTests: XCTestCase {
    func testTokenUsageDecodesLeniently() throws {
        let usage = try JSONDecoder().decode(TokenUsage.self, from: Data(#"{"promptTokens":10,"completionTokens":5}"#.utf8))
        XCTAssertEqual(usage, TokenUsage(promptTokens: 10, completionTokens: 5))
        XCTAssertEqual(usage.requestCount, 1)
        let full = TokenUsage(promptTokens: 9, cachedReadTokens: 1, cacheWrite5mTokens: 2, cacheWrite1hTokens: 3,
                              audioPromptTokens: 2, completionTokens: 4, reasoningTokens: 2, webSearchRequests: 1, imageCount: 2,
                              imageSize: "1024x1024", imageQuality: "hd", searchContextSize: .medium, requestCount: 2)
        XCTAssertEqual(try JSONDecoder().decode(TokenUsage.self, from: JSONEncoder().encode(full)), full)
        XCTAssertEqual(try JSONDecoder().decode(TokenUsage.self, from: JSONEncoder().encode(full)).audioPromptTokens, 2)
        XCTAssertEqual(usage.audioPromptTokens, 0, "absent audio counts are 0")
    }

    func testMarginPolicyDecodesThroughInit() throws {
        let policy = try JSONDecoder().decode(MarginPolicy.self,
                                              from: Data(#"{"modelOverrides":{"OpenAI/GPT-4o":2500}}"#.utf8))
        XCTAssertEqual(policy.defaultMargin, .default)
        XCTAssertEqual(policy.margin(for: "openai/gpt-4o"), Margin(percent: 25))
    }

    func testCostBreakdownRoundTrips() throws {
        let result = CreditCalculator.cost(usage: TokenUsage(promptTokens: 2_000, completionTokens: 1_000),
                                           pricing: ModelPricing(usdPerMillionInput: "3", output: "15"))
        XCTAssertEqual(try JSONDecoder().decode(CostBreakdown.self, from: JSONEncoder().encode(result)), result)
    }
}
