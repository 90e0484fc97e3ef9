import LayersCredits
import XCTest
@testable import LayersCore

final class KeyBudgetErrorTests: XCTestCase {
    func testExactRenderingOfKeyBudgetExceeded() {
        let error = LayersError.keyBudgetExceeded(budget: MicroCredits(credits: 5),
                                                  spent: MicroCredits(rawValue: 4_800_000),
                                                  required: MicroCredits(rawValue: 1_608_800))
        XCTAssertEqual(error.status, 402)
        XCTAssertEqual(error.code, "key_budget_exceeded")
        XCTAssertEqual(error.openAIBody().serialized(),
                       #"{"error":{"message":"Key budget exceeded: this API key has spent 4.8 of its monthly budget of 5 credits and this request needs up to 1.6088 more. Raise the key's budget or wait for the next month (UTC)","type":"insufficient_quota","param":null,"code":"key_budget_exceeded","budget":5,"spent":4.8,"required":1.6088}}"#)
    }

    func testAnthropicClientsSeeABillingError() {
        let error = LayersError.keyBudgetExceeded(budget: .zero, spent: .zero, required: MicroCredits(rawValue: 1))
        XCTAssertEqual(error.anthropicStatus, 402)
        XCTAssertEqual(error.anthropicBody()["error"]?["type"], "billing_error")
        XCTAssertTrue(error.headers.isEmpty, "no Retry-After: waiting does not help before the month ends")
    }
}
