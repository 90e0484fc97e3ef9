import Foundation
import LayersCredits
import Synchronization

/// An `APIKeyStore` decorator that caches `lookup(keyHash:)` for a short time, so authenticating a request
/// rarely touches the database, and throttles `touchKey` writes.
///
/// Revocation bound: a key revoked through this instance stops working at once; a key revoked elsewhere
/// (another server process, SQL) stops working within `ttl` (default 5 s). Unknown hashes are cached too
/// (negative entries), so a flood of made-up keys costs one query per hash per `ttl`.
///
/// ```swift
/// let keys = CachedAPIKeyStore(wrapping: PostgresAPIKeyStore(pool: pool), ttl: .seconds(5))
/// ```
public final class CachedAPIKeyStore: APIKeyStore {
    private struct Entry {
        var record: APIKeyRecord?
        var fetchedAt: Date
    }

    private let base: any APIKeyStore
    private let ttl: TimeInterval
    private let touchInterval: TimeInterval
    private let capacity: Int
    private let clock: @Sendable () -> Date
    private struct State {
        var entries: [String: Entry] = [:]
        var lastTouch: [APIKeyID: Date] = [:]
    }
    /// A lock rather than an actor: a cache hit (nearly every request) completes without a hop to another
    /// executor. The store's own calls run outside the lock.
    private let state = Mutex(State())

    /// - Parameters:
    ///   - base: the store of record.
    ///   - ttl: how long a lookup result is reused; the revocation bound for other processes.
    ///   - touchInterval: `touchKey` reaches `base` at most once per key per interval.
    ///   - capacity: maximum cached hashes; the cache is emptied when it is exceeded.
    public init(wrapping base: any APIKeyStore, ttl: Duration = .seconds(5), touchInterval: Duration = .seconds(60),
                capacity: Int = 100_000, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.base = base
        self.ttl = ttl.storeSeconds
        self.touchInterval = touchInterval.storeSeconds
        self.capacity = capacity
        self.clock = clock
    }

    nonisolated(nonsending) public func lookup(keyHash: String) async throws -> APIKeyRecord? {
        let now = clock()
        let ttl = self.ttl
        let hit = state.withLock { s -> APIKeyRecord?? in
            guard let entry = s.entries[keyHash], now.timeIntervalSince(entry.fetchedAt) < ttl else { return nil }
            return .some(entry.record)
        }
        if let hit { return hit }
        let record = try await base.lookup(keyHash: keyHash)
        let capacity = self.capacity
        state.withLock { s in
            if s.entries.count >= capacity { s.entries.removeAll(keepingCapacity: true) }
            s.entries[keyHash] = Entry(record: record, fetchedAt: now)
        }
        return record
    }

    public func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord {
        let record = try await base.createKey(key)
        state.withLock { $0.entries[record.keyHash] = nil }
        return record
    }

    public func key(id: APIKeyID) async throws -> APIKeyRecord? { try await base.key(id: id) }

    public func listKeys(userID: UserID) async throws -> [APIKeyRecord] { try await base.listKeys(userID: userID) }

    public func revokeKey(id: APIKeyID, userID: UserID?) async throws -> APIKeyRecord? {
        let record = try await base.revokeKey(id: id, userID: userID)
        if let record { remember(record) }
        return record
    }

    public func setKeyMargin(id: APIKeyID, marginBps: Int?) async throws -> APIKeyRecord? {
        let record = try await base.setKeyMargin(id: id, marginBps: marginBps)
        if let record { remember(record) }
        return record
    }

    public func setKeyBudget(id: APIKeyID, userID: UserID?, monthlyBudget: MicroCredits?) async throws
        -> APIKeyRecord?
    {
        let record = try await base.setKeyBudget(id: id, userID: userID, monthlyBudget: monthlyBudget)
        if let record { remember(record) }
        return record
    }

    public func touchKey(id: APIKeyID, at date: Date) async throws {
        let interval = touchInterval, capacity = self.capacity
        let due = state.withLock { s -> Bool in
            if let last = s.lastTouch[id], date.timeIntervalSince(last) < interval { return false }
            if s.lastTouch.count >= capacity { s.lastTouch.removeAll(keepingCapacity: true) }
            s.lastTouch[id] = date
            return true
        }
        if due { try await base.touchKey(id: id, at: date) }
    }

    /// Drops every cached entry (e.g. after bulk changes).
    public func invalidateAll() {
        state.withLock { $0.entries.removeAll() }
    }

    private func remember(_ record: APIKeyRecord) {
        let now = clock()
        state.withLock { $0.entries[record.keyHash] = Entry(record: record, fetchedAt: now) }
    }
}
