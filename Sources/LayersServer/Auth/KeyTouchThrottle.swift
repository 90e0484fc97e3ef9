import Foundation
import LayersCore
import Synchronization

/// Decides, without suspending, whether a key's `last_used_at` is due for an update: at most once per `interval`
/// per key and process. The key record the authenticator sees comes from a cache and keeps its old `lastUsedAt`
/// until the cache refreshes, so without this every request in that window would start a write of its own.
final class KeyTouchThrottle: Sendable {
    private let interval: TimeInterval
    private let capacity: Int
    private let last = Mutex<[APIKeyID: Date]>([:])

    init(interval: TimeInterval, capacity: Int = 100_000) {
        self.interval = interval
        self.capacity = capacity
    }

    /// True when `key` (last used at `lastUsedAt` as stored) should be touched now; records the touch.
    func shouldTouch(_ key: APIKeyID, lastUsedAt: Date?, now: Date) -> Bool {
        if let lastUsedAt, now.timeIntervalSince(lastUsedAt) <= interval { return false }
        return last.withLock { seen in
            if let previous = seen[key], now.timeIntervalSince(previous) <= interval { return false }
            if seen.count >= capacity { seen.removeAll(keepingCapacity: true) }
            seen[key] = now
            return true
        }
    }
}
