import LayersCore
import LayersGateway
import LayersHTTP

/// Anthropic's error shape on the Anthropic Messages routes (`/v1/messages` and every path under it):
/// `{"type":"error","error":{"type":…,"message":…},"request_id":…}` with Anthropic's status codes, so Anthropic
/// SDKs raise their matching exception classes. Used for the pipelines' errors (``AnthropicErrorShapeStep``) and
/// for the answers given before any pipeline runs: the HTTP server's refusals of malformed, oversized or slow
/// requests (413 `request_too_large`, 400/431 `invalid_request_error`, 408 `timeout_error`), the router's 404
/// and 405 and the per-address rate limit's 429. Every other path keeps OpenAI's shape.
enum AnthropicErrorShape {
    /// Whether `path` (without the query) is an Anthropic-shaped route.
    static func applies(to path: String) -> Bool {
        path == "/v1/messages" || path.hasPrefix("/v1/messages/")
    }

    /// `HTTPServerConfiguration.refusalResponse`: Anthropic's shape when the refused request's path is known and
    /// Anthropic-shaped, the server's default (OpenAI's shape) otherwise.
    @Sendable static func refusalResponse(_ refusal: HTTPRefusal) -> HTTPResponse {
        guard let path = refusal.path, applies(to: path) else { return refusal.defaultResponse }
        let error = AnthropicInboundError(
            status: refusal.status.code, type: refusal.cause == .timeout ? .timeout : nil, message: refusal.message)
        return withRequestIDHeader(.json(body(error, requestID: refusal.requestID), status: refusal.status),
                                   refusal.requestID)
    }

    /// `response` with the request id also in Anthropic's `request-id` header (Anthropic SDKs read it for
    /// `request_id`; `x-request-id` stays for everything else).
    static func withRequestIDHeader(_ response: HTTPResponse, _ requestID: String) -> HTTPResponse {
        guard !requestID.isEmpty else { return response }
        var response = response
        response.headers.replaceOrAdd(name: "request-id", value: requestID)
        return response
    }

    /// Makes the router's 404 and 405 answers Anthropic-shaped on Anthropic paths (others are left as they are).
    static func shapeFallbacks(of router: inout Router) {
        let notFound = router.notFound
        router.notFound = { request in reshaped(await notFound(request), for: request) }
        let methodNotAllowed = router.methodNotAllowed
        router.methodNotAllowed = { request in reshaped(await methodNotAllowed(request), for: request) }
    }

    /// `response` in Anthropic's shape when `request` is on an Anthropic path; unchanged otherwise.
    static func reshaped(_ response: HTTPResponse, for request: HTTPRequest) -> HTTPResponse {
        applies(to: request.path)
            ? withRequestIDHeader(reshaped(response, requestID: request.requestID), request.requestID) : response
    }

    /// An OpenAI-shaped error response (`{"error":{"message",…}}`) in Anthropic's shape, headers kept; 422 answers
    /// as 400 and a provider overload as 529. Successes, streams and bodies already in Anthropic's shape are left
    /// as they are.
    static func reshaped(_ response: HTTPResponse, requestID: String) -> HTTPResponse {
        guard response.status.code >= 400, case .bytes(let bytes) = response.body,
              let json = try? JSONValue.parse(bytes), let error = json["error"], error["message"] != nil else {
            return response
        }
        if json["type"]?.stringValue == "error" { return response }  // already Anthropic's (pass-through)
        var status = response.status.code
        if status == 422 { status = 400 }
        if error["code"]?.stringValue == "provider_overloaded" { status = 529 }
        let converted = AnthropicInboundError(status: status, message: error["message"]?.stringValue ?? "error")
        var response = response
        response.status = HTTPStatus(status)
        response.body = .bytes(body(converted, requestID: requestID))
        return response
    }

    private static func body(_ error: AnthropicInboundError, requestID: String) -> [UInt8] {
        var body = error.body
        body["request_id"] = .string(requestID)
        return body.serializedBytes()
    }
}
