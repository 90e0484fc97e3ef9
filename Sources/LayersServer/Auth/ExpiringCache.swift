import Foundation
import Synchronization

/// A small thread-safe cache whose entries expire after a fixed time. Used for account settings and model
/// margins so that the hot path does not query the database for them on every request.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let ttl: TimeInterval
    private let maxEntries: Int
    private let storage = Mutex<[Key: (value: Value, expires: Date)]>([:])

    init(ttl: TimeInterval, maxEntries: Int = 100_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    func value(for key: Key, now: Date = Date()) -> Value? {
        guard ttl > 0 else { return nil }
        return storage.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now { entries[key] = nil; return nil }
            return entry.value
        }
    }

    func store(_ value: Value, for key: Key, now: Date = Date()) {
        guard ttl > 0 else { return }
        storage.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, now.addingTimeInterval(ttl))
        }
    }

    func remove(_ key: Key) { storage.withLock { _ = $0.removeValue(forKey: key) } }
    func removeAll() { storage.withLock { $0.removeAll() } }
}
