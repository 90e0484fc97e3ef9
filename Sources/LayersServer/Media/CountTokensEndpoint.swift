import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels

/// `POST /v1/messages/count_tokens`: for Anthropic models with `ANTHROPIC_API_KEY` set, Anthropic's own count
/// (pass-through); for Gemini models with `GEMINI_API_KEY` set, Gemini's `countTokens` on the translated request;
/// both marked `x-layers-token-count: provider`, free and without a usage row. For every other model (whose
/// providers have no such endpoint) an estimate of about four bytes per token of the translated request, marked
/// `x-layers-token-count: estimated`.
struct CountTokensEndpoint: Sendable {
    let services: GatewayServices
    let media: MediaServices

    func respond(_ context: RequestContext) async throws -> HTTPResponse {
        let principal = try context.requirePrincipal()
        guard let model = context.model, var body = context.body else {
            throw LayersError.internalError(requestID: context.requestID)
        }
        if media.passesThrough(model, isTest: principal.isTest), let endpoint = media.anthropic {
            let builder = UsageRecordBuilder(context: context, principal: principal, model: model, isStream: false)
            let handle = ReservationHandle(requestID: context.billingID, userID: principal.userID, isTest: true,
                                           reserved: .zero, ledger: services.stores.ledger, usage: services.stores.usage)
            let call = AnthropicPassthroughCall(endpoint: endpoint, http: media.http, model: model, context: context,
                                                builder: builder, reservation: handle)
            let request = try call.upstreamRequest(body, path: "/v1/messages/count_tokens")
            let response = try await context.timing.measureUpstream { try await call.send(request) }
            guard (200..<300).contains(response.status) else {
                throw call.failure(response.status, response.headers, response.body)
            }
            var result = HTTPResponse.json(response.body)
            result.headers.replaceOrAdd(name: "x-layers-token-count", value: "provider")
            return result
        }
        if body["max_tokens"] == nil { body["max_tokens"] = 1 }
        let openAI = try MediaBridge.translate(body)
        if !principal.isTest, model.provider == .google, let google = media.google {
            let tokens = try await context.timing.measureUpstream {
                try await GeminiTokenCounter.count(openAIRequest: openAI, model: model, endpoint: google, http: media.http)
            }
            var response = HTTPResponse.json(["input_tokens": .number(JSONNumber(tokens))])
            response.headers.replaceOrAdd(name: "x-layers-token-count", value: "provider")
            return response
        }
        var counted = JSONObject()
        counted["messages"] = openAI["messages"]
        counted["tools"] = openAI["tools"]
        let bytes = JSONValue.object(counted).serializedBytes().count
        let tokens = CreditEstimator.standard.promptTokens(forBytes: bytes)
        var response = HTTPResponse.json(["input_tokens": .number(JSONNumber(tokens))])
        response.headers.replaceOrAdd(name: "x-layers-token-count", value: "estimated")
        return response
    }
}
