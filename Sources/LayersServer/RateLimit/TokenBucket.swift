/// One caller's bucket: a pure value, advanced by explicit timestamps so it is trivially testable.
public struct TokenBucket: Sendable, Hashable {
    public private(set) var tokens: Double
    public private(set) var updatedAt: Double

    /// A full bucket at time `now`.
    public init(policy: RateLimitPolicy, now: Double) {
        tokens = Double(policy.burst)
        updatedAt = now
    }

    /// Refills for the time elapsed since the last call, then takes one token if there is one.
    public mutating func take(policy: RateLimitPolicy, now: Double) -> RateLimitDecision {
        let capacity = Double(policy.burst)
        if now > updatedAt {
            tokens = min(capacity, tokens + (now - updatedAt) * policy.refillPerSecond)
            updatedAt = now
        }
        // Tokens may exceed a smaller capacity after a policy change (tier downgrade): clamp.
        tokens = min(tokens, capacity)
        let allowed = tokens >= 1.0
        if allowed { tokens -= 1.0 }
        let rate = policy.refillPerSecond
        let secondsToFull = (capacity - tokens) / rate
        let retryAfter = allowed ? 0 : Int(((1.0 - tokens) / rate).rounded(.up))
        return RateLimitDecision(
            allowed: allowed,
            limit: policy.requestsPerMinute,
            remaining: max(0, Int(tokens.rounded(.down))),
            resetAtUnixSeconds: Int64((now + secondsToFull).rounded(.up)),
            retryAfterSeconds: max(allowed ? 0 : 1, retryAfter))
    }

    /// What `take` would decide now, without taking a token.
    public func peek(policy: RateLimitPolicy, now: Double) -> RateLimitDecision {
        var copy = self
        let decision = copy.take(policy: policy, now: now)
        guard decision.allowed else { return decision }
        return RateLimitDecision(allowed: true, limit: decision.limit, remaining: min(policy.burst, decision.remaining + 1),
                                 resetAtUnixSeconds: decision.resetAtUnixSeconds, retryAfterSeconds: 0)
    }

    /// Whether the bucket has refilled completely by `now` (so it can be forgotten).
    public func isFull(policy: RateLimitPolicy, now: Double) -> Bool {
        tokens + max(0, now - updatedAt) * policy.refillPerSecond >= Double(policy.burst)
    }
}
