import Foundation
import XCTest
@testable import LayersCredits

final class KeyBudgetTests: XCTestCase {
    func µ(_ raw: Int64) -> MicroCredits { MicroCredits(rawValue: raw) }

    func testAllowsUpToTheLimitExactlyAndRefusesOneMicroCreditMore() {
        let budget = KeyBudget(limit: MicroCredits(decimalString: "5")!)
        XCTAssertEqual(budget.check(spent: µ(3_000_000), estimate: µ(2_000_000)), .allowed)
        XCTAssertEqual(budget.check(spent: µ(3_000_000), estimate: µ(2_000_001)),
                       .exceeded(limit: µ(5_000_000), spent: µ(3_000_000), required: µ(2_000_001)))
        XCTAssertEqual(budget.check(spent: µ(5_000_000), estimate: .zero), .allowed, "at the cap, a free request passes")
        XCTAssertEqual(budget.check(spent: µ(5_000_001), estimate: .zero),
                       .exceeded(limit: µ(5_000_000), spent: µ(5_000_001), required: .zero))
    }

    func testZeroBudgetRefusesAnythingThatCosts() {
        let budget = KeyBudget(limit: .zero)
        XCTAssertEqual(budget.check(spent: .zero, estimate: µ(1)),
                       .exceeded(limit: .zero, spent: .zero, required: µ(1)))
        XCTAssertEqual(budget.check(spent: .zero, estimate: .zero), .allowed)
    }

    func testSumsSaturateInsteadOfTrapping() {
        let budget = KeyBudget(limit: µ(Int64.max - 1))
        XCTAssertEqual(budget.check(spent: µ(Int64.max - 10), estimate: µ(Int64.max)),
                       .exceeded(limit: µ(Int64.max - 1), spent: µ(Int64.max - 10), required: µ(Int64.max)))
        XCTAssertEqual(µ(Int64.max).saturatingAdding(µ(1)), µ(Int64.max))
        XCTAssertEqual(KeyBudget(limit: µ(-5)).limit, .zero, "a negative limit is clamped to zero")
    }

    func testRemaining() {
        let budget = KeyBudget(limit: µ(10))
        XCTAssertEqual(budget.remaining(spent: µ(3)), µ(7))
        XCTAssertEqual(budget.remaining(spent: µ(10)), .zero)
        XCTAssertEqual(budget.remaining(spent: µ(25)), .zero)
    }

    func testMonthBoundariesAreUTC() {
        // 2026-12-31T23:59:59Z is December; one second later is January 2027.
        let lastSecond = Date(timeIntervalSince1970: 1_798_761_599)
        let december = BudgetMonth(containing: lastSecond)
        XCTAssertEqual(december, BudgetMonth(year: 2026, month: 12))
        XCTAssertEqual(december.description, "2026-12")
        XCTAssertEqual(december.start, Date(timeIntervalSince1970: 1_796_083_200))
        XCTAssertEqual(december.end, Date(timeIntervalSince1970: 1_798_761_600))
        XCTAssertEqual(BudgetMonth(containing: december.end), BudgetMonth(year: 2027, month: 1))
        XCTAssertEqual(BudgetMonth(containing: december.start), december, "the start is inclusive")
        let february = BudgetMonth(year: 2028, month: 2)
        XCTAssertEqual(february.end.timeIntervalSince(february.start), 29 * 86_400, "2028 is a leap year")
        XCTAssertEqual(february.description, "2028-02")
    }
}
