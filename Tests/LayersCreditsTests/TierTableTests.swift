import Foundation
import XCTest
import LayersCredits

final class TierTableTests: XCTestCase {
    func testDefaultsMatchTheOriginal() {
        let table = TierTable.defaults
        XCTAssertEqual(table.tiers.map(\.name), ["free", "starter", "pro", "team", "test"])
        XCTAssertEqual(table.tier(named: "free")?.monthlyCredits, MicroCredits(credits: 50))
        XCTAssertEqual(table.tier(named: "free")?.requestsPerMinute, 10)
        XCTAssertEqual(table.tier(named: "starter")?.monthlyCredits, MicroCredits(credits: 500))
        XCTAssertEqual(table.tier(named: "starter")?.requestsPerMinute, 60)
        XCTAssertEqual(table.tier(named: "pro")?.monthlyCredits, MicroCredits(credits: 3_000))
        XCTAssertEqual(table.tier(named: "pro")?.requestsPerMinute, 300)
        XCTAssertEqual(table.tier(named: "team")?.monthlyCredits, MicroCredits(credits: 7_500))
        XCTAssertEqual(table.tier(named: "team")?.requestsPerMinute, 1_000)
        XCTAssertEqual(table.tier(named: "test")?.requestsPerMinute, 1_000)
        XCTAssertEqual(table.tier(named: "test")?.monthlyCredits, .zero)
        XCTAssertEqual(table.tier(named: "team")?.priceCentsPerMonth, 20_000)
        XCTAssertEqual(table.tier(named: "pro")?.overageCreditsPerUSD, 25)
        XCTAssertNil(table.tier(named: "free")?.overageCreditsPerUSD, "free has no overage")
    }

    func testLookupAndResolve() {
        let table = TierTable.defaults
        XCTAssertEqual(table.tier(named: "PRO")?.name, "pro")
        XCTAssertNil(table.tier(named: "platinum"))
        XCTAssertEqual(table.resolve("platinum").name, "free")
        XCTAssertEqual(table.resolve(nil).name, "free")
        XCTAssertEqual(table.resolve("Team").name, "team")
        XCTAssertEqual(Tier.pro.effectiveBurst, 300)
        XCTAssertEqual(Tier(name: "x", monthlyCredits: .zero, requestsPerMinute: 5, burst: 20).effectiveBurst, 20)
    }

    func testOverridesChangeAndAddTiers() throws {
        let json = """
        { "default_tier": "starter",
          "tiers": [
            { "name": "free", "monthly_credits": "100.5", "requests_per_minute": 20 },
            { "name": "Enterprise", "monthly_credits": 50000, "requests_per_minute": 5000, "burst": 10000,
              "price_cents_per_month": 99900 } ] }
        """
        let table = try TierTable.defaults.applying(overridesJSON: Data(json.utf8))
        XCTAssertEqual(table.tier(named: "free")?.monthlyCredits.decimalString, "100.5")
        XCTAssertEqual(table.tier(named: "free")?.requestsPerMinute, 20)
        XCTAssertEqual(table.tier(named: "pro")?.requestsPerMinute, 300, "untouched")
        let enterprise = try XCTUnwrap(table.tier(named: "enterprise"))
        XCTAssertEqual(enterprise.monthlyCredits, MicroCredits(credits: 50_000))
        XCTAssertEqual(enterprise.effectiveBurst, 10_000)
        XCTAssertEqual(table.resolve(nil).name, "starter")
        XCTAssertEqual(table.tiers.count, 6)
    }

    func testOverrideErrorsNameEntryAndField() {
        func error(_ json: String) -> TierOverrideError? {
            do {
                _ = try TierTable.defaults.applying(overridesJSON: Data(json.utf8))
                return nil
            } catch let error as TierOverrideError {
                return error
            } catch {
                XCTFail("unexpected error \(error)")
                return nil
            }
        }
        let rpm = error(#"{"tiers":[{"name":"free"},{"name":"pro","requests_per_minute":0}]}"#)
        XCTAssertEqual(rpm?.index, 1)
        XCTAssertEqual(rpm?.name, "pro")
        XCTAssertEqual(rpm?.field, "requests_per_minute")
        XCTAssertEqual(rpm?.description, #"tier overrides: tiers[1] "pro" field "requests_per_minute": must be positive, got 0"#)
        XCTAssertEqual(error(#"{"tiers":[{"name":"free","monthly_credits":"lots"}]}"#)?.field, "monthly_credits")
        XCTAssertEqual(error(#"{"tiers":[{"name":"free","monthly_credits":"-1"}]}"#)?.field, "monthly_credits")
        XCTAssertEqual(error(#"{"tiers":[{"name":" "}]}"#)?.field, "name")
        XCTAssertEqual(error(#"{"default_tier":"gold","tiers":[]}"#)?.field, "default_tier")
        let missingName = error(#"{"tiers":[{"name":"free"},{"requests_per_minute":5}]}"#)
        XCTAssertEqual(missingName?.index, 1)
        XCTAssertEqual(missingName?.field, "name")
        XCTAssertEqual(missingName?.reason, "is missing")
        let wrongType = error(#"{"tiers":[{"name":"pro","requests_per_minute":"lots"}]}"#)
        XCTAssertEqual(wrongType?.index, 0)
        XCTAssertEqual(wrongType?.field, "requests_per_minute")
        XCTAssertTrue(wrongType?.reason.hasPrefix("has the wrong type") ?? false)
        XCTAssertEqual(error(#"{"tiers":[{"name":"pro","price_cents_per_month":-1}]}"#)?.field, "price_cents_per_month")
        XCTAssertEqual(error(#"{"tiers":[{"name":"pro","overage_credits_per_usd":0}]}"#)?.field, "overage_credits_per_usd")
        // A misspelt field is an error, not silently ignored.
        let typo = error(#"{"tiers":[{"name":"free"},{"name":"Pro","request_per_minute":500}]}"#)
        XCTAssertEqual(typo?.description,
                       #"tier overrides: tiers[1] "pro" field "request_per_minute": is not a known field (known: burst, monthly_credits, name, overage_credits_per_usd, price_cents_per_month, requests_per_minute)"#)
        XCTAssertEqual(error(#"{"default":"pro","tiers":[]}"#)?.field, "default")
        XCTAssertEqual(error(#"{"tiers":{}}"#)?.field, "tiers")
        XCTAssertNotNil(error("not json"))
        XCTAssertThrowsError(try TierTable.defaults.applying(overridesFile: "/nonexistent/tiers.json"))
    }
}
