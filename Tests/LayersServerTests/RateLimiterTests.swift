import Synchronization
import XCTest
@testable import LayersServer

/// A clock the test moves by hand.
final class ManualClock: RateLimitClock {
    private let time = Mutex<Double>(1_700_000_000)
    func now() -> Double { time.withLock { $0 } }
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}

final class RateLimiterTests: XCTestCase {
    func testBurstThenRefusedWithRetryAfter() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        let policy = RateLimitPolicy(requestsPerMinute: 10)  // burst 10, one token per 6 s
        for i in 0..<10 {
            let d = limiter.check(key: "u", policy: policy)
            XCTAssertTrue(d.allowed, "request \(i)")
            XCTAssertEqual(d.remaining, 9 - i)
            XCTAssertEqual(d.limit, 10)
        }
        let refused = limiter.check(key: "u", policy: policy)
        XCTAssertFalse(refused.allowed)
        XCTAssertEqual(refused.remaining, 0)
        XCTAssertEqual(refused.retryAfterSeconds, 6)
        XCTAssertTrue(refused.headers.contains { $0.0 == "Retry-After" && $0.1 == "6" })
        XCTAssertEqual(refused.resetAtUnixSeconds, 1_700_000_000 + 60)
    }

    func testRefillsAtTheSustainedRate() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        let policy = RateLimitPolicy(requestsPerMinute: 60, burst: 2)
        XCTAssertTrue(limiter.check(key: "u", policy: policy).allowed)
        XCTAssertTrue(limiter.check(key: "u", policy: policy).allowed)
        XCTAssertFalse(limiter.check(key: "u", policy: policy).allowed)
        clock.advance(0.5)
        XCTAssertFalse(limiter.check(key: "u", policy: policy).allowed)
        clock.advance(0.5)
        XCTAssertTrue(limiter.check(key: "u", policy: policy).allowed)
        clock.advance(100)  // never more than the burst
        XCTAssertEqual(limiter.check(key: "u", policy: policy).remaining, 1)
    }

    func testCallersAreIndependent() {
        let limiter = RateLimiter(clock: ManualClock())
        let policy = RateLimitPolicy(requestsPerMinute: 1)
        XCTAssertTrue(limiter.check(key: "a", policy: policy).allowed)
        XCTAssertFalse(limiter.check(key: "a", policy: policy).allowed)
        XCTAssertTrue(limiter.check(key: "b", policy: policy).allowed)
        XCTAssertEqual(limiter.trackedKeys, 2)
    }

    func testSuccessHasNoRetryAfter() {
        let d = RateLimiter(clock: ManualClock()).check(key: "a", policy: .init(requestsPerMinute: 5))
        XCTAssertEqual(d.headers.map(\.0), ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"])
    }

    func testTierDowngradeClampsTokens() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock)
        _ = limiter.check(key: "u", policy: .init(requestsPerMinute: 1000))
        let d = limiter.check(key: "u", policy: .init(requestsPerMinute: 10))
        XCTAssertTrue(d.allowed)
        XCTAssertEqual(d.remaining, 9)
    }
}
