import Foundation
import LayersCore
import LayersCredits
import LayersHTTP

/// Turns a request's `Authorization: Bearer` / `x-api-key` header into a ``Principal``, or a 401 saying
/// which check failed (missing, malformed, unknown, revoked, expired). The key is never echoed.
public struct Authenticator: Sendable {
    let keys: any APIKeyStore
    let accounts: any AccountStore
    let tiers: TierTable
    let accountCache: ExpiringCache<UserID, AccountSnapshot>
    /// Key last-used times are written at most this often per key.
    let touchInterval: TimeInterval = 60
    let touches: KeyTouchThrottle

    init(keys: any APIKeyStore, accounts: any AccountStore, tiers: TierTable, cacheSeconds: Int) {
        self.keys = keys
        self.accounts = accounts
        self.tiers = tiers
        self.accountCache = ExpiringCache(ttl: TimeInterval(cacheSeconds))
        self.touches = KeyTouchThrottle(interval: touchInterval)
    }

    nonisolated(nonsending) public func authenticate(_ request: HTTPRequest, now: Date = Date()) async throws -> Principal {
        let presented = APIKeyParser.parse(authorization: request.headers["authorization"],
                                           xAPIKey: request.headers["x-api-key"])
        guard let key = presented.key else {
            throw LayersError.authentication(AuthenticationFailure(presented) ?? .missing)
        }
        guard let record = try await keys.lookup(keyHash: key.hash.hex) else {
            throw LayersError.authentication(.unknown)
        }
        switch record.status(at: now) {
        case .active: break
        case .revoked: throw LayersError.authentication(.revoked)
        case .expired: throw LayersError.authentication(.expired)
        }
        let account = try await snapshot(for: record.userID)
        if touches.shouldTouch(record.id, lastUsedAt: record.lastUsedAt, now: now) {
            let keys = self.keys
            Task.detached { try? await keys.touchKey(id: record.id, at: now) }
        }
        let tierName = record.tierOverride ?? (record.mode == .test && tiers.tier(named: "test") != nil
            ? "test" : account.tier)
        return Principal(key: record, account: account, tier: tiers.resolve(tierName))
    }

    /// The owner's tier and margin, cached for a few seconds.
    nonisolated(nonsending) func snapshot(for userID: UserID) async throws -> AccountSnapshot {
        if let cached = accountCache.value(for: userID) { return cached }
        guard let account = try await accounts.creditAccount(userID: userID) else {
            throw LayersError.authentication(.unknown)
        }
        let snapshot = AccountSnapshot(tier: account.tier, marginBps: account.marginBps, available: account.available)
        accountCache.store(snapshot, for: userID)
        return snapshot
    }

    /// Forgets cached settings after an admin change.
    func invalidate(userID: UserID) { accountCache.remove(userID) }
}
