import LayersCore
import LayersHTTP

/// The gateway's answers to requests the HTTP server refuses before any handler runs
/// (`HTTPServerConfiguration.refusalResponse`): Anthropic's error shape on the Messages routes
/// (``AnthropicErrorShape``); elsewhere the server's OpenAI-shaped answer, except that a body over the limit is
/// the documented `request_too_large` error naming the limit (`max_bytes`), like every other gateway error.
struct GatewayRefusals: Sendable {
    /// `LAYERS_MAX_BODY_BYTES`.
    let maxBodyBytes: Int

    func response(_ refusal: HTTPRefusal) -> HTTPResponse {
        if let path = refusal.path, AnthropicErrorShape.applies(to: path) {
            return AnthropicErrorShape.refusalResponse(refusal)
        }
        if refusal.status.code == 413 {
            return LayersError.payloadTooLarge(limitBytes: maxBodyBytes).httpResponse(requestID: refusal.requestID)
        }
        return refusal.defaultResponse
    }
}
