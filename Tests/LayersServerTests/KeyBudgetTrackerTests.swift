import Foundation
import LayersCore
import LayersCredits
import Synchronization
import XCTest
@testable import LayersServer

/// The in-memory month spend behind key budgets: read once per key and month, kept up to date by settlements,
/// estimates held while requests are in flight.
final class KeyBudgetTrackerTests: XCTestCase {
    /// A spend source that counts its reads and answers what the test says.
    final class Source: Sendable {
        let reads = Mutex<[BudgetMonth]>([])
        let answer = Mutex<MicroCredits>(.zero)
        let failing = Mutex(false)

        var spend: KeyBudgetTracker.SpendSource {
            { _, month in
                self.reads.withLock { $0.append(month) }
                if self.failing.withLock({ $0 }) { throw StoreError.unavailable("down") }
                return self.answer.withLock { $0 }
            }
        }
        var readCount: Int { reads.withLock { $0.count } }
    }

    final class Clock: Sendable {
        let now = Mutex(Date(timeIntervalSince1970: 1_796_083_200 + 86_400))   // 2026-12-02T00:00Z
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    func µ(_ credits: String) -> MicroCredits { MicroCredits(decimalString: credits)! }

    func key(budget: String?, mode: APIKeyMode = .live) -> APIKeyRecord {
        APIKeyRecord(id: .random(), userID: .random(), keyHash: UUID().uuidString, keyPrefix: "lyr_live_x",
                     name: "k", mode: mode, createdAt: Date(), monthlyBudget: budget.map { µ($0) })
    }

    func testSeedsOnceThenCountsSettlementsUntilTheBudgetIsReached() async throws {
        let source = Source(), clock = Clock()
        source.answer.withLock { $0 = µ("6") }
        let tracker = KeyBudgetTracker(source: source.spend, refreshInterval: .seconds(3600), clock: clock.read)
        let k = key(budget: "10")
        var decision = try await tracker.admit(key: k, requestID: "r1", estimate: µ("3"))
        XCTAssertEqual(decision, .allowed)
        await tracker.settled(requestID: "r1", keyID: k.id, amount: µ("2.5"), at: clock.read())
        let spent = try await tracker.spent(keyID: k.id)
        XCTAssertEqual(spent, µ("8.5"))
        decision = try await tracker.admit(key: k, requestID: "r2", estimate: µ("1.5"))
        XCTAssertEqual(decision, .allowed, "8.5 + 1.5 is exactly the budget")
        await tracker.settled(requestID: "r2", keyID: k.id, amount: µ("1.5"), at: clock.read())
        decision = try await tracker.admit(key: k, requestID: "r3", estimate: µ("0.000001"))
        XCTAssertEqual(decision, .exceeded(limit: µ("10"), spent: µ("10"), required: µ("0.000001")))
        XCTAssertEqual(source.readCount, 1, "one read per key per month, then memory")
    }

    func testInFlightEstimatesCountUntilSettledOrReleased() async throws {
        let source = Source(), clock = Clock()
        let tracker = KeyBudgetTracker(source: source.spend, clock: clock.read)
        let k = key(budget: "5")
        let first = try await tracker.admit(key: k, requestID: "a", estimate: µ("3"))
        XCTAssertEqual(first, .allowed)
        let second = try await tracker.admit(key: k, requestID: "b", estimate: µ("3"))
        XCTAssertEqual(second, .exceeded(limit: µ("5"), spent: µ("3"), required: µ("3")),
                       "the first request's hold counts while it runs")
        let held = await tracker.inFlight(keyID: k.id)
        XCTAssertEqual(held, µ("3"), "a refused request holds nothing")
        await tracker.release(requestID: "a", keyID: k.id)
        let third = try await tracker.admit(key: k, requestID: "c", estimate: µ("3"))
        XCTAssertEqual(third, .allowed, "a failed request's hold is gone")
        await tracker.settled(requestID: "c", keyID: k.id, amount: µ("1"), at: clock.read())
        let after = await tracker.inFlight(keyID: k.id)
        XCTAssertEqual(after, .zero)
        let spent = try await tracker.spent(keyID: k.id)
        XCTAssertEqual(spent, µ("1"), "the charge replaces the estimate")
    }

    func testHoldsThatAreNeverSettledExpire() async throws {
        let source = Source(), clock = Clock()
        let tracker = KeyBudgetTracker(source: source.spend, holdTTL: .seconds(100), clock: clock.read)
        let k = key(budget: "5")
        _ = try await tracker.admit(key: k, requestID: "lost", estimate: µ("5"))
        let refused = try await tracker.admit(key: k, requestID: "x", estimate: µ("1"))
        XCTAssertNotEqual(refused, .allowed)
        clock.advance(101)
        let later = try await tracker.admit(key: k, requestID: "y", estimate: µ("1"))
        XCTAssertEqual(later, .allowed)
    }

    func testNoBudgetAndTestKeysAreNeverCheckedOrRead() async throws {
        let source = Source()
        source.answer.withLock { $0 = µ("1000") }
        let tracker = KeyBudgetTracker(source: source.spend)
        let unlimited = try await tracker.admit(key: key(budget: nil), requestID: "a", estimate: µ("99"))
        let sandbox = try await tracker.admit(key: key(budget: "0", mode: .test), requestID: "b", estimate: µ("99"))
        XCTAssertEqual(unlimited, .allowed)
        XCTAssertEqual(sandbox, .allowed)
        XCTAssertEqual(source.readCount, 0)
    }

    func testANewMonthStartsFromItsOwnSpend() async throws {
        let source = Source(), clock = Clock()
        source.answer.withLock { $0 = µ("9") }
        let tracker = KeyBudgetTracker(source: source.spend, refreshInterval: .seconds(86_400 * 60), clock: clock.read)
        let k = key(budget: "10")
        let december = try await tracker.admit(key: k, requestID: "d", estimate: µ("2"))
        XCTAssertNotEqual(december, .allowed)
        // A charge dated in November does not count towards December.
        await tracker.settled(requestID: "n", keyID: k.id, amount: µ("1"), at: Date(timeIntervalSince1970: 1_796_000_000))
        let stillNine = try await tracker.spent(keyID: k.id)
        XCTAssertEqual(stillNine, µ("9"))
        source.answer.withLock { $0 = .zero }
        clock.advance(31 * 86_400)
        let january = try await tracker.admit(key: k, requestID: "j", estimate: µ("2"))
        XCTAssertEqual(january, .allowed)
        XCTAssertEqual(source.reads.withLock { $0 },
                       [BudgetMonth(year: 2026, month: 12), BudgetMonth(year: 2027, month: 1)])
    }

    func testRefreshSeesOtherProcessesButNeverLowersTheCount() async throws {
        let source = Source(), clock = Clock()
        source.answer.withLock { $0 = µ("1") }
        let tracker = KeyBudgetTracker(source: source.spend, refreshInterval: .seconds(60), clock: clock.read)
        let k = key(budget: "10")
        _ = try await tracker.admit(key: k, requestID: "a", estimate: .zero)
        await tracker.settled(requestID: "a", keyID: k.id, amount: µ("4"), at: clock.read())
        clock.advance(61)
        source.answer.withLock { $0 = µ("2") }   // the store has not seen this process's charge yet
        let kept = try await tracker.spent(keyID: k.id)
        XCTAssertEqual(kept, µ("5"))
        clock.advance(61)
        source.answer.withLock { $0 = µ("8") }   // another process spent 3 more
        let merged = try await tracker.spent(keyID: k.id)
        XCTAssertEqual(merged, µ("8"))
        XCTAssertEqual(source.readCount, 3)
    }

    func testAStoreOutageFallsBackToTheLastFigureOrFails() async throws {
        let source = Source(), clock = Clock()
        source.failing.withLock { $0 = true }
        let tracker = KeyBudgetTracker(source: source.spend, refreshInterval: .seconds(60), clock: clock.read)
        let k = key(budget: "10")
        do {
            _ = try await tracker.admit(key: k, requestID: "a", estimate: µ("1"))
            XCTFail("no figure at all: the error goes up")
        } catch StoreError.unavailable {}
        source.failing.withLock { $0 = false }
        source.answer.withLock { $0 = µ("9.5") }
        _ = try await tracker.spent(keyID: k.id)
        source.failing.withLock { $0 = true }
        clock.advance(61)
        let decision = try await tracker.admit(key: k, requestID: "b", estimate: µ("1"))
        XCTAssertEqual(decision, .exceeded(limit: µ("10"), spent: µ("9.5"), required: µ("1")))
    }

    func testTheSameRequestIDOnTwoKeysHoldsForEach() async throws {
        let tracker = KeyBudgetTracker(source: Source().spend)
        let a = key(budget: "5"), b = key(budget: "5")
        _ = try await tracker.admit(key: a, requestID: "same", estimate: µ("4"))
        _ = try await tracker.admit(key: b, requestID: "same", estimate: µ("4"))
        await tracker.settled(requestID: "same", keyID: b.id, amount: µ("1"), at: Date())
        let heldA = await tracker.inFlight(keyID: a.id)
        let heldB = await tracker.inFlight(keyID: b.id)
        XCTAssertEqual(heldA, µ("4"), "another key's settlement does not release this key's hold")
        XCTAssertEqual(heldB, .zero)
    }

    func testConcurrentFirstChecksReadTheStoreOnce() async throws {
        let source = Source()
        let tracker = KeyBudgetTracker(source: source.spend)
        let k = key(budget: "100")
        try await withThrowingTaskGroup(of: KeyBudget.Decision.self) { group in
            for i in 0..<20 {
                group.addTask { try await tracker.admit(key: k, requestID: "r\(i)", estimate: MicroCredits(credits: 5)) }
            }
            var allowed = 0
            for try await d in group where d == .allowed { allowed += 1 }
            XCTAssertEqual(allowed, 20, "20 × 5 fits a budget of 100 exactly")
        }
        XCTAssertEqual(source.readCount, 1)
        let refused = try await tracker.admit(key: k, requestID: "r20", estimate: MicroCredits(rawValue: 1))
        XCTAssertNotEqual(refused, .allowed)
    }
}
