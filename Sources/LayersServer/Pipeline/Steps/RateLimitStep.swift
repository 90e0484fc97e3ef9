import LayersCore
import LayersHTTP
import LayersPostgres

/// Step 2: the caller's token bucket, by tier. Answers 429 with `Retry-After` when empty, and puts
/// `X-RateLimit-Limit/Remaining/Reset` on every response that passes through it, errors included.
public struct RateLimitStep: PipelineStep {
    let limiter: RateLimiter
    let policy: @Sendable (Principal) -> RateLimitPolicy

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        let decision = limiter.check(key: principal.userID.rawValue.fastLowercaseUUIDString, policy: policy(principal))
        var response: HTTPResponse
        if !decision.allowed {
            response = LayersError.rateLimited(limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds)
                .httpResponse(requestID: context.requestID)
        } else {
            var context = context
            context.rateLimit = decision
            do {
                response = try await next(context)
            } catch {
                response = LayersError.from(error, requestID: context.requestID)
                    .httpResponse(requestID: context.requestID)
            }
        }
        for (name, value) in decision.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }
}
