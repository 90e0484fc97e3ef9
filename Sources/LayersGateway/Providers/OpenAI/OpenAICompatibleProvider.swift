import Foundation
import LayersCore
import LayersModels

/// OpenAI, Perplexity, Morph, the Vercel AI Gateway and any named OpenAI-compatible server.
struct OpenAICompatibleProvider: ChatProvider {
    let endpoint: ProviderEndpoint
    let transport: ProviderTransport
    /// Through the Vercel AI Gateway the upstream model is the full `provider/model` id.
    let useFullModelID: Bool
    /// The endpoint's URL and request headers for whole and streamed answers, made once (the router keeps one
    /// adapter per endpoint) rather than concatenated and interpolated on every request.
    private let url: String
    private let completeHeaders: [HTTPHeader]
    private let streamHeaders: [HTTPHeader]

    init(endpoint: ProviderEndpoint, http: UpstreamHTTPClient, useFullModelID: Bool = false) {
        self.endpoint = endpoint
        self.transport = ProviderTransport(http: http, errorMessage: OpenAIResponse.errorMessage)
        self.useFullModelID = useFullModelID
        url = endpoint.baseURL + "/chat/completions"
        func headers(accept: String) -> [HTTPHeader] {
            var headers = [HTTPHeader("content-type", "application/json"), HTTPHeader("accept", accept)]
            if let key = endpoint.apiKey { headers.append(HTTPHeader("authorization", "Bearer \(key)")) }
            headers.append(contentsOf: endpoint.extraHeaders)
            return headers
        }
        completeHeaders = headers(accept: "application/json")
        streamHeaders = headers(accept: "text/event-stream")
    }

    var name: String { endpoint.name }

    nonisolated(nonsending) func complete(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionResult {
        let context = ProviderContext(provider: name, model: model.id)
        let upstream = makeRequest(request.json, model: model, stream: false)
        let response = try await transport.send(upstream, context: context)
        guard case .object(let body)? = JSONValue.parseOrNil(response.body) else {
            throw context.unreadable("response is not a JSON object")
        }
        let requestID = response.headers["x-request-id"] ?? response.headers["request-id"] ?? body["id"]?.stringValue
        let output = OpenAIResponse.normalise(body, request: request.json, model: model, api: endpoint.api,
                                              requestBytes: upstream.body.count)
        return ChatCompletionResult(body: output.body, usage: output.usage, providerRequestID: requestID,
                                    provider: name)
    }

    nonisolated(nonsending) func stream(_ request: ChatCompletionRequest, model: ModelInfo) async throws -> ChatCompletionStream {
        let context = ProviderContext(provider: name, model: model.id)
        let upstream = makeRequest(request.json, model: model, stream: true)
        let stream = try await transport.open(upstream, context: context)
        let translator = OpenAIStreamTranslator(model: model, api: endpoint.api, request: request.json,
                                                requestBytes: upstream.body.count, context: context)
        return ChatCompletionStream(upstream: stream, translator: translator, context: context,
                                    providerRequestID: stream.headers["x-request-id"] ?? stream.headers["request-id"],
                                    clientRequestedUsage: request.includeUsage)
    }

    func makeRequest(_ json: JSONObject, model: ModelInfo, stream: Bool) -> UpstreamRequest {
        let body = OpenAIRequestBuilder.body(from: json, upstreamModel: useFullModelID ? model.id : model.upstreamName,
                                             stream: stream, api: endpoint.api, reasoningModel: model.has(.thinking))
        return UpstreamRequest(url: url, headers: stream ? streamHeaders : completeHeaders,
                               body: JSONValue.object(body).serializedBytes(), timeouts: endpoint.timeouts)
    }
}
