import Foundation
import LayersCore
import XCTest

/// A settable clock for cache expiry tests.
final class ManualClock: @unchecked Sendable {
    // Safe: `now` is only read and written under `lock`.
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

final class CachedAPIKeyStoreTests: XCTestCase {
    private func setUp(ttl: Duration = .seconds(5)) async throws
        -> (base: InMemoryStore, cached: CachedAPIKeyStore, clock: ManualClock, key: APIKeyRecord)
    {
        let clock = ManualClock()
        let base = InMemoryStore()
        let user = try await base.createUser(NewUser())
        let key = try await base.createKey(NewAPIKey(userID: user.id, keyHash: String(repeating: "c", count: 64),
                                                     keyPrefix: "lyr_live_c", name: "k", mode: .live))
        let cached = CachedAPIKeyStore(wrapping: base, ttl: ttl, clock: { clock.now })
        return (base, cached, clock, key)
    }

    func testRevocationElsewhereTakesEffectWithinTTL() async throws {
        let (base, cached, clock, key) = try await setUp()
        let first = try await cached.lookup(keyHash: key.keyHash)
        XCTAssertEqual(first?.status(), .active)
        _ = try await base.revokeKey(id: key.id, userID: nil)   // another process revokes it
        clock.advance(4.9)
        let stale = try await cached.lookup(keyHash: key.keyHash)
        XCTAssertEqual(stale?.status(), .active, "served from cache inside the TTL")
        clock.advance(0.2)
        let fresh = try await cached.lookup(keyHash: key.keyHash)
        XCTAssertEqual(fresh?.status(), .revoked, "revocation visible once the TTL has passed")
    }

    func testRevocationThroughTheCacheIsImmediate() async throws {
        let (_, cached, _, key) = try await setUp()
        _ = try await cached.lookup(keyHash: key.keyHash)
        _ = try await cached.revokeKey(id: key.id, userID: key.userID)
        let after = try await cached.lookup(keyHash: key.keyHash)
        XCTAssertEqual(after?.status(), .revoked)
    }

    func testUnknownKeysAreCachedBriefly() async throws {
        let (base, cached, clock, key) = try await setUp()
        let hash = String(repeating: "d", count: 64)
        let missing = try await cached.lookup(keyHash: hash)
        XCTAssertNil(missing)
        _ = try await base.createKey(NewAPIKey(userID: key.userID, keyHash: hash, keyPrefix: "p", name: "n",
                                               mode: .test))
        clock.advance(6)
        let found = try await cached.lookup(keyHash: hash)
        XCTAssertEqual(found?.mode, .test)
    }

    func testTouchIsThrottled() async throws {
        let (base, cached, clock, key) = try await setUp()
        try await cached.touchKey(id: key.id, at: clock.now)
        let t1 = clock.now
        clock.advance(30)
        try await cached.touchKey(id: key.id, at: clock.now)
        var stored = try await base.key(id: key.id)
        XCTAssertEqual(stored?.lastUsedAt, t1, "second touch inside the interval is dropped")
        clock.advance(31)
        try await cached.touchKey(id: key.id, at: clock.now)
        stored = try await base.key(id: key.id)
        XCTAssertEqual(stored?.lastUsedAt, clock.now)
    }
}
