import LayersCore
import LayersHTTP

/// Step 1: who is calling. Sets `context.principal` or answers 401.
public struct AuthenticateStep: PipelineStep {
    let authenticator: Authenticator

    nonisolated(nonsending) public func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        var context = context
        context.principal = try await authenticator.authenticate(context.request, now: context.startedAtDate)
        return try await next(context)
    }
}
