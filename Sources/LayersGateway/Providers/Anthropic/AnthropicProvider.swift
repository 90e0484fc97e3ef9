import LayersCore
import LayersModels

/// Anthropic Messages API behind the OpenAI shape.
struct AnthropicProvider: ChatProvider {
    let endpoint: ProviderEndpoint
    let transport: ProviderTransport

    init(endpoint: ProviderEndpoint, http: UpstreamHTTPClient) {
        self.endpoint = endpoint
        transport = ProviderTransport(http: http, errorMessage: AnthropicResponse.errorMessage)
    }

    var name: String { endpoint.name }

    nonisolated(nonsending) func complete(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionResult {
        let context = ProviderContext(provider: name, model: model.id)
        let (upstream, plan) = try makeRequest(request.json, model: model, stream: false)
        let response = try await transport.send(upstream, context: context)
        guard case .object(let message)? = JSONValue.parseOrNil(response.body) else {
            throw context.unreadable("response is not a JSON object")
        }
        let (body, usage) = try AnthropicResponse.translate(message, plan: plan, model: model, context: context)
        return ChatCompletionResult(body: body, usage: usage,
                                    providerRequestID: response.headers["request-id"] ?? message["id"]?.stringValue,
                                    provider: name)
    }

    nonisolated(nonsending) func stream(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionStream {
        let context = ProviderContext(provider: name, model: model.id)
        let (upstream, plan) = try makeRequest(request.json, model: model, stream: true)
        let stream = try await transport.open(upstream, context: context)
        return ChatCompletionStream(upstream: stream,
                                    translator: AnthropicStreamTranslator(plan: plan, model: model, context: context),
                                    context: context, providerRequestID: stream.headers["request-id"],
                                    clientRequestedUsage: request.includeUsage)
    }

    func makeRequest(_ json: JSONObject, model: ModelInfo, stream: Bool) throws -> (UpstreamRequest, AnthropicPlan) {
        let (body, plan) = try AnthropicRequestBuilder.build(json, model: model, stream: stream)
        var headers = [HTTPHeader("content-type", "application/json"),
                       HTTPHeader("accept", stream ? "text/event-stream" : "application/json"),
                       HTTPHeader("anthropic-version", AnthropicRequestBuilder.apiVersion)]
        if let key = endpoint.apiKey { headers.append(HTTPHeader("x-api-key", key)) }
        if let beta = AnthropicRequestBuilder.betaHeader(json) { headers.append(HTTPHeader("anthropic-beta", beta)) }
        headers.append(contentsOf: endpoint.extraHeaders)
        let request = UpstreamRequest(url: endpoint.baseURL + "/v1/messages", headers: headers,
                                      body: JSONValue.object(body).serializedBytes(), timeouts: endpoint.timeouts)
        return (request, plan)
    }
}
