import Foundation
import LayersCredits

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
public actor CachedAPIKeyStore: APIKeyStore {
    private struct Entry {
        var record: APIKeyRecord?
        var fetchedAt: Date
    }

    private let base: any APIKeyStore
    private let ttl: TimeInterval
    private let touchInterval: TimeInterval
    private let capacity: Int
    private let clock: @Sendable () -> Date
    private var entries: [String: Entry] = [:]
    private var lastTouch: [APIKeyID: Date] = [:]

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

    public func lookup(keyHash: String) async throws -> APIKeyRecord? {
        let now = clock()
        if let entry = entries[keyHash], now.timeIntervalSince(entry.fetchedAt) < ttl { return entry.record }
        let record = try await base.lookup(keyHash: keyHash)
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[keyHash] = Entry(record: record, fetchedAt: now)
        return record
    }

    public func createKey(_ key: NewAPIKey) async throws -> APIKeyRecord {
        let record = try await base.createKey(key)
        entries[record.keyHash] = nil
        return record
    }

    public func key(id: APIKeyID) async throws -> APIKeyRecord? { try await base.key(id: id) }

    public func listKeys(userID: UserID) async throws -> [APIKeyRecord] { try await base.listKeys(userID: userID) }

    public func revokeKey(id: APIKeyID, userID: UserID?) async throws -> APIKeyRecord? {
        let record = try await base.revokeKey(id: id, userID: userID)
        if let record { entries[record.keyHash] = Entry(record: record, fetchedAt: clock()) }
        return record
    }

    public func setKeyMargin(id: APIKeyID, marginBps: Int?) async throws -> APIKeyRecord? {
        let record = try await base.setKeyMargin(id: id, marginBps: marginBps)
        if let record { entries[record.keyHash] = Entry(record: record, fetchedAt: clock()) }
        return record
    }

    public func setKeyBudget(id: APIKeyID, userID: UserID?, monthlyBudget: MicroCredits?) async throws
        -> APIKeyRecord?
    {
        let record = try await base.setKeyBudget(id: id, userID: userID, monthlyBudget: monthlyBudget)
        if let record { entries[record.keyHash] = Entry(record: record, fetchedAt: clock()) }
        return record
    }

    public func touchKey(id: APIKeyID, at date: Date) async throws {
        if let last = lastTouch[id], date.timeIntervalSince(last) < touchInterval { return }
        if lastTouch.count >= capacity { lastTouch.removeAll(keepingCapacity: true) }
        lastTouch[id] = date
        try await base.touchKey(id: id, at: date)
    }

    /// Drops every cached entry (e.g. after bulk changes).
    public func invalidateAll() {
        entries.removeAll()
    }
}
