import Synchronization

/// Per-caller token-bucket rate limiting, in process memory.
///
/// ```swift
/// let limiter = RateLimiter()
/// let decision = limiter.check(key: user.id, policy: RateLimitPolicy(requestsPerMinute: 60))
/// if !decision.allowed { /* 429 with decision.headers */ }
/// ```
/// Buckets are sharded by key hash to keep lock contention low; full buckets are swept so memory stays bounded by
/// the number of recently active callers.
public final class RateLimiter: Sendable {
    private let clock: any RateLimitClock
    private let shards: [ShardBox]

    private final class ShardBox: Sendable {
        let state = Mutex(Shard())
    }

    private struct Shard {
        var buckets: [String: (bucket: TokenBucket, policy: RateLimitPolicy)] = [:]
        var checksSinceSweep = 0
    }

    public init(clock: any RateLimitClock = SystemRateLimitClock(), shardCount: Int = 16) {
        self.clock = clock
        self.shards = (0..<max(1, shardCount)).map { _ in ShardBox() }
    }

    /// Takes one request from `key`'s bucket under `policy`.
    public func check(key: String, policy: RateLimitPolicy) -> RateLimitDecision {
        let now = clock.now()
        let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
        return shard.state.withLock { state in
            var bucket = state.buckets[key]?.bucket ?? TokenBucket(policy: policy, now: now)
            let decision = bucket.take(policy: policy, now: now)
            state.buckets[key] = (bucket, policy)
            state.checksSinceSweep += 1
            if state.checksSinceSweep >= 4096 {
                state.checksSinceSweep = 0
                state.buckets = state.buckets.filter { !$0.value.bucket.isFull(policy: $0.value.policy, now: now) }
            }
            return decision
        }
    }

    /// What `check` would decide for `key` now, without taking a request.
    public func peek(key: String, policy: RateLimitPolicy) -> RateLimitDecision {
        let now = clock.now()
        let shard = shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
        return shard.state.withLock { state in
            (state.buckets[key]?.bucket ?? TokenBucket(policy: policy, now: now)).peek(policy: policy, now: now)
        }
    }

    /// The number of buckets currently tracked (for tests and metrics).
    public var trackedKeys: Int { shards.reduce(0) { sum, s in sum + s.state.withLock { $0.buckets.count } } }
}
