import LayersCore
import LayersGateway
import LayersHTTP

/// First step of `/v1/messages` and `/v1/messages/count_tokens`: every error from the steps behind it (401,
/// 429, 402, 404, 400, provider failures) leaves in Anthropic's shape
/// (`{"type":"error","error":{"type":…,"message":…},"request_id":…}`) with Anthropic's status codes
/// (422 as 400, provider overload as 529; ``AnthropicErrorShape``), so Anthropic SDKs raise their matching
/// exception classes. Headers (rate limits, `Retry-After`, `x-request-id`) are kept, and every answer also carries
/// the id in Anthropic's `request-id` header (what Anthropic SDKs report as `request_id`).
struct AnthropicErrorShapeStep: PipelineStep {
    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try await next(context)
        } catch {
            let failure = LayersError.from(error, requestID: context.requestID)
            response = failure.httpResponse(requestID: context.requestID)
        }
        return AnthropicErrorShape.withRequestIDHeader(
            AnthropicErrorShape.reshaped(response, requestID: context.requestID), context.requestID)
    }
}

/// Parses an Anthropic Messages body and checks what every model needs (`model`, `max_tokens`, user/assistant
/// turns with content: `AnthropicPassthrough.validateEnvelope`), within the configured message count and size
/// limits; sets `context.body` to the Anthropic body as sent. The blocks themselves are checked after the model
/// is resolved, by `AnthropicTranslationCheckStep`, and only when the body will be translated.
struct AnthropicValidateStep: PipelineStep {
    let maxMessages: Int
    let maxMessageCharacters: Int
    /// count_tokens bodies carry no `max_tokens`.
    var requireMaxTokens = true

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let body: JSONValue
        do { body = try JSONValue.parse(context.request.body) } catch {
            throw LayersError.invalidJSON(detail: error.description)
        }
        guard case .object = body else { throw LayersError.invalidJSON(detail: "the body must be a JSON object") }
        try MediaBridge.validateEnvelope(body, requireMaxTokens: requireMaxTokens)
        let messages = body["messages"]?.arrayValue ?? []
        if messages.count > maxMessages { throw LayersError.tooManyMessages(limit: maxMessages, received: messages.count) }
        for (i, message) in messages.enumerated() {
            let length = ValidateStep.contentLength(message["content"])
            if length > maxMessageCharacters {
                throw LayersError.messageTooLong(index: i, limit: maxMessageCharacters, received: length)
            }
        }
        var context = context
        context.body = body
        return try await next(context)
    }
}

/// After the model is resolved: a body that will be translated (any model that is not passed through to
/// Anthropic) is translated once here, so a block or field the translation cannot carry (a server tool such as
/// `web_search_20250305`, a malformed block) is a 400 naming the field before anything is reserved. Bodies passed
/// through to Anthropic are left for Anthropic to validate: server tools, their result blocks, citations and
/// any newer block type go upstream untouched.
struct AnthropicTranslationCheckStep: PipelineStep {
    let media: MediaServices

    nonisolated(nonsending) func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, let body = context.body else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        if !media.passesThrough(model, isTest: principal.isTest) {
            var probe = body
            if probe["max_tokens"] == nil { probe["max_tokens"] = 1 }  // count_tokens bodies
            _ = try MediaBridge.translate(probe)
        }
        return try await next(context)
    }
}
