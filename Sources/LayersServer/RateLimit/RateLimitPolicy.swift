/// How many requests a caller may make: a sustained rate per minute and a burst size.
///
/// The bucket holds at most `burst` tokens and refills at `requestsPerMinute / 60` tokens per second, so a
/// caller may send `burst` requests at once and then `requestsPerMinute` per minute on average.
public struct RateLimitPolicy: Sendable, Hashable {
    public var requestsPerMinute: Int
    public var burst: Int

    public init(requestsPerMinute: Int, burst: Int? = nil) {
        self.requestsPerMinute = max(1, requestsPerMinute)
        self.burst = max(1, burst ?? requestsPerMinute)
    }

    /// Tokens added per second.
    public var refillPerSecond: Double { Double(requestsPerMinute) / 60.0 }
}

/// The outcome of one rate-limit check, with everything the `X-RateLimit-*` and `Retry-After` headers need.
public struct RateLimitDecision: Sendable, Hashable {
    /// Whether the request may proceed (a token was taken).
    public var allowed: Bool
    /// The sustained limit, requests per minute (`X-RateLimit-Limit`).
    public var limit: Int
    /// Whole requests still available right now (`X-RateLimit-Remaining`).
    public var remaining: Int
    /// Unix seconds when the bucket will be full again (`X-RateLimit-Reset`).
    public var resetAtUnixSeconds: Int64
    /// Whole seconds to wait before one request is allowed again (`Retry-After`); 0 when allowed.
    public var retryAfterSeconds: Int

    public init(allowed: Bool, limit: Int, remaining: Int, resetAtUnixSeconds: Int64, retryAfterSeconds: Int) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetAtUnixSeconds = resetAtUnixSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The rate-limit response headers for this decision (`Retry-After` only when refused).
    public var headers: [(String, String)] {
        var h: [(String, String)] = [
            ("X-RateLimit-Limit", String(limit)),
            ("X-RateLimit-Remaining", String(remaining)),
            ("X-RateLimit-Reset", String(resetAtUnixSeconds)),
        ]
        if !allowed { h.append(("Retry-After", String(retryAfterSeconds))) }
        return h
    }
}
