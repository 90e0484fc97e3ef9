import LayersCore
import LayersHTTP

/// Gives every response `X-RateLimit-*` headers. Authenticated endpoints set them from the caller's bucket;
/// responses without them (public endpoints, failed authentication) are counted against a per-client-address
/// bucket, which also throttles key guessing: once it is empty, that address gets 429 until it refills.
struct AnonymousRateLimitMiddleware: HTTPMiddleware {
    let limiter: RateLimiter
    let policy: RateLimitPolicy

    nonisolated(nonsending) func handle(_ request: HTTPRequest, next: HTTPNext) async -> HTTPResponse {
        let key = "addr:" + Self.host(of: request.remoteAddress)
        let before = limiter.peek(key: key, policy: policy)
        if !before.allowed {
            var refused = LayersError.rateLimited(limit: before.limit, retryAfterSeconds: before.retryAfterSeconds)
                .httpResponse(requestID: request.requestID)
            for (name, value) in before.headers { refused.headers.replaceOrAdd(name: name, value: value) }
            return AnthropicErrorShape.reshaped(refused, for: request)
        }
        var response = await next(request)
        if !response.headers.contains("X-RateLimit-Limit") {
            let decision = limiter.check(key: key, policy: policy)
            for (name, value) in decision.headers where name != "Retry-After" {
                response.headers.replaceOrAdd(name: name, value: value)
            }
        }
        return response
    }

    /// The address without the port (`1.2.3.4:5678` -> `1.2.3.4`, `[::1]:80` -> `::1`).
    static func host(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        if let colon = address.lastIndex(of: ":"), address.firstIndex(of: ":") == colon {
            return String(address[..<colon])
        }
        return address
    }
}
