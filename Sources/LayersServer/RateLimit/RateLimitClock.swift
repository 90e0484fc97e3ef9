import Foundation

/// A source of "now" for the rate limiter, injectable so tests control time.
public protocol RateLimitClock: Sendable {
    /// Seconds since the Unix epoch.
    func now() -> Double
}

/// The wall clock.
public struct SystemRateLimitClock: RateLimitClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
}
