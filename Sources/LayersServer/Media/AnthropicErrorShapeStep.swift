import LayersCore
import LayersGateway
import LayersHTTP

/// First step of `/v1/messages` and `/v1/messages/count_tokens`: every error from the steps behind it (401,
/// 429, 402, 404, 400, provider failures) leaves in Anthropic's shape
/// (`{"type":"error","error":{"type":…,"message":…},"request_id":…}`) with Anthropic's status codes
/// (422 as 400, provider overload as 529), so Anthropic SDKs raise their matching exception classes.
/// Headers (rate limits, `Retry-After`, `x-request-id`) are kept.
struct AnthropicErrorShapeStep: PipelineStep {
    func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await next(context)
        } catch {
            let failure = LayersError.from(error, requestID: context.requestID)
            response = failure.httpResponse(requestID: context.requestID)
        }
        guard response.status.code >= 400, case .bytes(let bytes) = response.body,
              let json = try? JSONValue.parse(bytes), let error = json["error"], error["message"] != nil else {
            return response
        }
        if json["type"]?.stringValue == "error" { return response }  // already Anthropic's (pass-through)
        var status = response.status.code
        if status == 422 { status = 400 }
        if error["code"]?.stringValue == "provider_overloaded" { status = 529 }
        let converted = AnthropicInboundError(status: status, message: error["message"]?.stringValue ?? "error")
        var body = converted.body
        body["request_id"] = .string(context.requestID)
        response.status = HTTPStatus(status)
        response.body = .bytes(body.serializedBytes())
        return response
    }
}

/// Parses and checks an Anthropic Messages body (by translating it: every field the translation reads is
/// checked, with the field named in the 400), within the configured message count and size limits; sets
/// `context.body` to the Anthropic body as sent.
struct AnthropicValidateStep: PipelineStep {
    let maxMessages: Int
    let maxMessageCharacters: Int
    /// count_tokens bodies carry no `max_tokens`.
    var requireMaxTokens = true

    func handle(_ context: RequestContext, next: PipelineNext) async throws -> HTTPResponse {
        let body: JSONValue
        do { body = try JSONValue.parse(context.request.body) } catch {
            throw LayersError.invalidJSON(detail: error.description)
        }
        guard case .object = body else { throw LayersError.invalidJSON(detail: "the body must be a JSON object") }
        var probe = body
        if !requireMaxTokens, probe["max_tokens"] == nil { probe["max_tokens"] = 1 }
        _ = try MediaBridge.translate(probe)
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
