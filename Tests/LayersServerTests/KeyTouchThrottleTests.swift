import Foundation
import LayersCore
import XCTest
@testable import LayersServer

final class KeyTouchThrottleTests: XCTestCase {
    func testOneTouchPerKeyAndInterval() {
        let throttle = KeyTouchThrottle(interval: 60)
        let a = APIKeyID.random(), b = APIKeyID.random()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        XCTAssertTrue(throttle.shouldTouch(a, lastUsedAt: nil, now: t0), "never used: touch")
        XCTAssertFalse(throttle.shouldTouch(a, lastUsedAt: nil, now: t0.addingTimeInterval(1)),
                       "the cached record still says never used, but this process just touched it")
        XCTAssertTrue(throttle.shouldTouch(b, lastUsedAt: nil, now: t0.addingTimeInterval(1)), "keys are independent")
        XCTAssertFalse(throttle.shouldTouch(a, lastUsedAt: nil, now: t0.addingTimeInterval(60)))
        XCTAssertTrue(throttle.shouldTouch(a, lastUsedAt: nil, now: t0.addingTimeInterval(61)), "due again")
        let c = APIKeyID.random()
        XCTAssertFalse(throttle.shouldTouch(c, lastUsedAt: t0, now: t0.addingTimeInterval(30)),
                       "used recently as stored (another process touched it)")
        XCTAssertTrue(throttle.shouldTouch(c, lastUsedAt: t0, now: t0.addingTimeInterval(90)))
    }
}
